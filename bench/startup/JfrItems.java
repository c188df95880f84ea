import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Start-up items of a JFR recording: for each "frame-pattern|label" argument, the execution samples whose stack has a
 * frame whose "class.method" contains the pattern, on the main thread and on the others, up to CUTOFF_MS after the
 * JVM started (default: the whole recording). Also the busiest threads.
 * Usage: java bench/startup/JfrItems.java recording.jfr "pattern|label"...   (-DCUTOFF_MS=ms)
 */
public class JfrItems {
    public static void main(String[] args) throws Exception {
        long cutoff = Long.getLong("CUTOFF_MS", Long.MAX_VALUE);
        List<RecordedEvent> samples = new ArrayList<>();
        Instant jvmStart = null;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (e.getEventType().getName().equals("jdk.JVMInformation")) {
                jvmStart = e.getInstant("jvmStartTime");
            } else if (e.getEventType().getName().equals("jdk.ExecutionSample") && e.getStackTrace() != null) {
                samples.add(e);
            }
        }
        Map<String, int[]> items = new LinkedHashMap<>();
        Map<String, Integer> steps = new TreeMap<>();
        Map<String, Integer> threads = new TreeMap<>();
        int main = 0, other = 0;
        for (RecordedEvent e : samples) {
            if (jvmStart != null && e.getStartTime().toEpochMilli() - jvmStart.toEpochMilli() > cutoff) {
                continue;
            }
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            boolean isMain = "main".equals(thread);
            if (isMain) main++; else other++;
            threads.merge(String.valueOf(thread).replaceAll("\\d+", "N"), 1, Integer::sum);
            List<String> names = new ArrayList<>();
            for (RecordedFrame f : e.getStackTrace().getFrames()) {
                names.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            // the innermost recorded build step (static or runtime init) or bean observer the sample is in
            for (String n : names) {
                String step = n.startsWith("io.quarkus.runner.recorded.") ? n.substring(27).replaceAll("\\$[^.]*\\d+\\.deploy.*", "")
                        : n.contains("_Observer_") ? "observer " + n.replaceAll("_Observer_.*", "").replaceAll(".*\\.", "")
                        : null;
                if (step != null) {
                    steps.merge(step, 1, Integer::sum);
                    break;
                }
            }
            for (int i = 1; i < args.length; i++) {
                String pattern = args[i].split("\\|")[0];
                String label = args[i].contains("|") ? args[i].split("\\|", 2)[1] : pattern;
                if (names.stream().anyMatch(n -> n.contains(pattern))) {
                    items.computeIfAbsent(label, k -> new int[2])[isMain ? 0 : 1]++;
                }
            }
        }
        System.out.printf("execution samples: main %d, other threads %d%n", main, other);
        threads.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(6)
                .forEach(t -> System.out.printf("  thread %-40s %5d%n", t.getKey(), t.getValue()));
        System.out.printf("  %-48s %6s %6s%n", "item (frame on the stack)", "main", "other");
        items.forEach((k, v) -> System.out.printf("  %-48s %6d %6d%n", k, v[0], v[1]));
        System.out.println("  innermost build step / observer (all threads), top 15:");
        steps.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
                .forEach(t -> System.out.printf("    %-60s %5d%n", t.getKey(), t.getValue()));
    }
}
