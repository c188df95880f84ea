import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Top frames of a JFR recording's execution samples: self time (the sampled frame) and inclusive time of the frames
 * whose class matches a pattern, optionally only for samples whose stack contains a given frame.
 * (`jfr print` of JDK 17 and 25 stops at some Quarkus-generated method names; the consumer API does not.)
 * Usage: java bench/profile/JfrTop.java recording.jfr [only-stacks-containing] [inclusive-class-pattern] [rows]
 */
public class JfrTop {
    public static void main(String[] args) throws Exception {
        String only = args.length > 1 && !args[1].isEmpty() ? args[1] : null;
        String pattern = args.length > 2 ? args[2] : "io.vigil";
        int rows = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> incl = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int n = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            Set<String> names = new HashSet<>();
            for (RecordedFrame f : frames) {
                names.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            if (only != null && names.stream().noneMatch(s -> s.contains(only))) {
                continue;
            }
            n++;
            RecordedFrame top = frames.get(0);
            self.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
            names.stream().filter(s -> s.matches(".*(" + pattern + ").*")).forEach(s -> incl.merge(s, 1, Integer::sum));
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("\\d+", "N"), 1, Integer::sum);
        }
        System.out.printf("%d execution samples%s%n", n, only == null ? "" : " with " + only + " on the stack");
        print("thread", threads, n, 6);
        print("self", self, n, rows);
        print("incl", incl, n, rows);
    }

    private static void print(String label, Map<String, Integer> counts, int n, int rows) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(rows)
                .forEach(e -> System.out.printf("%5.1f%% %-6s %s%n", 100.0 * e.getValue() / n, label, e.getKey()));
    }
}
