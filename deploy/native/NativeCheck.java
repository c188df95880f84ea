import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A minimal stand-in for GraalVM's {@code native-image} driver (svm-driver does not resolve from Maven here): reads
 * the {@code native-image.args} Quarkus writes into {@code target/native-sources}, plus the
 * {@code META-INF/native-image/**}/native-image.properties of every jar on the image class path (the real driver
 * reads those too), translates the driver options into what {@code NativeImageGeneratorRunner} understands
 * ({@code --features} → {@code -H:Features}, {@code --initialize-at-*} → {@code -H:ClassInitialization}, {@code -J}
 * → builder JVM, ...) and runs the builder on Temurin 25 up to the relocatable object file: linking needs the
 * JDK's static libraries, which only a GraalVM/Mandrel distribution has.
 *
 * <p>Usage (run by deploy/native/native-check.sh): {@code java NativeCheck.java <native-sources dir> <graal dir> <out
 * dir> <max heap>}. Prints the builder output, then each phase's time and memory and the builder's peak RSS; writes the
 * same summary to {@code <out dir>/native-check.txt}. Exit status is the builder's.
 */
public class NativeCheck {

    private static final Pattern PHASE = Pattern.compile("^\\[(\\d+)/(\\d+)] ([^.]+)\\.\\.\\..*\\(([\\d.]+)s @ ([\\d.]+)GB\\)\\s*$");

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--exports")) {
            writeBuilderExports(Path.of(args[1]));
            return;
        }
        Path sources = Path.of(args[0]).toAbsolutePath();
        Path graal = Path.of(args[1]).toAbsolutePath();
        Path out = Path.of(args[2]).toAbsolutePath();
        String maxHeap = args[3];
        Files.createDirectories(out);

        Translation t = new Translation(sources);
        for (String token : tokens(Files.readString(sources.resolve("native-image.args")))) {
            t.add(token, "native-image.args");
        }
        t.finish();
        t.readJarProperties();

        List<String> command = new ArrayList<>();
        command.add(graal.resolve("jdk/bin/java").toString());
        command.addAll(List.of("-XX:+UseParallelGC", "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI",
                "-XX:-UseJVMCICompiler", "-Xss10m", "-Xmx" + maxHeap, "-XX:+ExitOnOutOfMemoryError",
                "-Dgraalvm.ForcePolyglotInvalid=true", "-Dgraalvm.locatorDisabled=true",
                "-Djdk.internal.lambda.disableEagerInitialization=true", "-Dcom.oracle.graalvm.isaot=true",
                "-Dorg.graalvm.nativeimage.imagecode=buildtime",
                "-Djava.system.class.loader=com.oracle.svm.hosted.NativeImageSystemClassLoader",
                "-Djdk.module.main=org.graalvm.nativeimage.builder", "-Dorg.graalvm.version=" + version(graal),
                "-Dorg.graalvm.vendor=Vigil native-check",
                // What a GraalVM JDK reports; Quarkus's feature reads it to pick version-specific behaviour.
                "-Dorg.graalvm.vendorversion=GraalVM CE " + version(graal), "--enable-native-access=org.graalvm.nativeimage.builder",
                // The builder reaches into JDK internals; the real driver opens them the same way.
                "@" + graal.resolve("builder-exports.args"),
                // The image sees the JDK modules of the builder's boot layer: with -m only the builder's own graph
                // is resolved, so java.net.http (alert-service's queue client) would be missing. Resolve the
                // default set, as a class-path application on the JVM would get.
                "--add-modules=ALL-DEFAULT"));
        command.addAll(t.jvm);
        command.add("--upgrade-module-path");
        command.add(graal.resolve("lib/compiler.jar").toString());
        command.add("--module-path");
        command.add(graal.resolve("lib/builder").toString());
        command.add("-m");
        command.add("org.graalvm.nativeimage.builder/com.oracle.svm.hosted.NativeImageGeneratorRunner");
        command.add("-imagecp");
        command.add(String.join(":", t.classpath));
        command.addAll(t.builder);
        command.addAll(List.of("-H:Path=" + out, "-H:ImageBuildID=" + UUID.randomUUID(),
                "-H:CLibraryPath=" + graal.resolve("clibraries"),
                // The object file is written there; a builder-made temporary directory is deleted on exit.
                "-H:TempDirectory=" + out.resolve("tmp"),
                "-H:+UnlockExperimentalVMOptions", "-H:+ExitAfterRelocatableImageWrite", "-H:-UnlockExperimentalVMOptions"));

        Files.write(out.resolve("builder-command.txt"), command);
        for (String note : t.notes) {
            System.out.println("native-check: " + note);
        }
        run(command, sources, out);
    }

    /**
     * builder-exports.args: every package of every JDK module, exported to the builder modules (what GraalVM's own
     * driver grants them, package by package).
     */
    private static void writeBuilderExports(Path file) throws IOException {
        String builder = String.join(",", "org.graalvm.nativeimage.base", "org.graalvm.nativeimage.builder",
                "org.graalvm.nativeimage.pointsto", "org.graalvm.nativeimage.objectfile",
                "org.graalvm.nativeimage.configure", "jdk.graal.compiler", "org.graalvm.truffle.compiler");
        List<String> lines = new ArrayList<>();
        for (var module : java.lang.module.ModuleFinder.ofSystem().findAll()) {
            var descriptor = module.descriptor();
            descriptor.packages().stream().sorted()
                    .forEach(pkg -> lines.add("--add-exports=" + descriptor.name() + "/" + pkg + "=" + builder));
        }
        lines.sort(null);
        Files.write(file, lines);
    }

    private static void run(List<String> command, Path dir, Path out) throws Exception {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("JVMCI_VERSION_CHECK", "ignore");
        Process p = pb.start();
        AtomicLong peakKb = new AtomicLong();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> sampleHighWaterMark(p.pid(), peakKb));
        Map<String, String> phases = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (line.startsWith("WARNING: Unknown module:")) {
                    continue; // builder-exports.args names every JDK module; not every JDK has all of them
                }
                System.out.println(line);
                Matcher m = PHASE.matcher(line.strip());
                if (m.matches()) {
                    phases.put("[" + m.group(1) + "/" + m.group(2) + "] " + m.group(3),
                            String.format("%8ss  %6s GB", m.group(4), m.group(5)));
                }
            }
        }
        int status = p.waitFor();
        sampler.interrupt();
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        List<String> summary = new ArrayList<>();
        summary.add(String.format("%-28s %9s  %9s", "phase", "time", "memory"));
        phases.forEach((phase, numbers) -> summary.add(String.format("%-28s %s", phase, numbers)));
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(f -> f.toString().endsWith(".o")).forEach(f -> summary.add("object file: " + f + " ("
                    + size(f) / (1024 * 1024) + " MiB)"));
        }
        summary.add(String.format("builder peak RSS: %.2f GB, wall time %d s, exit status %d",
                peakKb.get() / 1024.0 / 1024.0, seconds, status));
        Files.write(out.resolve("native-check.txt"), summary);
        System.out.println();
        summary.forEach(line -> System.out.println("native-check: " + line));
        System.exit(status);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The builder's VmHWM (peak resident set), sampled until it exits. */
    private static void sampleHighWaterMark(long pid, AtomicLong peakKb) {
        Path status = Path.of("/proc/" + pid + "/status");
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        peakKb.accumulateAndGet(Long.parseLong(line.replaceAll("\\D", "")), Math::max);
                    }
                }
                Thread.sleep(500);
            } catch (IOException | InterruptedException e) {
                return;
            }
        }
    }

    private static String version(Path graal) throws IOException {
        return Files.readString(graal.resolve("version")).strip();
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        for (String token : text.strip().split("\\s+")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** Driver options → builder JVM options, builder options and the image class path. */
    static final class Translation {
        final Path dir;
        final List<String> jvm = new ArrayList<>();
        final List<String> builder = new ArrayList<>();
        final List<String> classpath = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<Pattern[]> excludedConfig = new ArrayList<>();
        private String pendingOption;
        private final List<String> pendingValues = new ArrayList<>();
        private String jar;
        private String name;

        Translation(Path dir) {
            this.dir = dir;
        }

        void add(String token, String origin) throws IOException {
            if (pendingOption != null) {
                pendingValues.add(token);
                if (pendingOption.equals("--exclude-config") && pendingValues.size() == 2) {
                    excludedConfig.add(new Pattern[] {Pattern.compile(pendingValues.get(0)), Pattern.compile(pendingValues.get(1))});
                    pendingOption = null;
                    pendingValues.clear();
                } else if (pendingOption.equals("-jar")) {
                    jar = token;
                    pendingOption = null;
                    pendingValues.clear();
                } else if (pendingOption.equals("-cp")) {
                    for (String entry : token.split(":")) {
                        classpath.add(dir.resolve(entry).toString());
                    }
                    pendingOption = null;
                    pendingValues.clear();
                }
                return;
            }
            String option = token.contains("=") ? token.substring(0, token.indexOf('=')) : token;
            String value = token.contains("=") ? token.substring(token.indexOf('=') + 1) : null;
            switch (option) {
                case "--exclude-config", "-jar", "-cp", "--class-path", "-classpath" ->
                        pendingOption = option.equals("-jar") || option.equals("--exclude-config") ? option : "-cp";
                case "--features" -> builder.add("-H:Features=" + value);
                case "--initialize-at-build-time" -> classInitialization(value, "build_time");
                case "--initialize-at-run-time" -> classInitialization(value, "run_time");
                case "--enable-url-protocols" -> builder.add("-H:EnableURLProtocols=" + value);
                case "--enable-http" -> builder.add("-H:EnableURLProtocols=http");
                case "--enable-https" -> builder.add("-H:EnableURLProtocols=https");
                case "--enable-monitoring" -> builder.add("-H:EnableMonitoringFeatures=" + (value == null ? "all" : value));
                case "--enable-native-access" -> builder.add("-H:EnableNativeAccess=" + value);
                case "--add-exports" -> builder.add("-H:AddExports=" + value);
                case "--add-opens" -> builder.add("-H:AddOpens=" + value);
                case "--add-reads" -> builder.add("-H:AddReads=" + value);
                case "--link-at-build-time" -> builder.add("-H:LinkAtBuildTime=" + (value == null ? "" : value));
                case "--no-fallback" -> builder.add("-H:FallbackThreshold=0");
                case "--install-exit-handlers" -> builder.add("-H:+InstallExitHandlers");
                case "--report-unsupported-elements-at-runtime" -> builder.add("-H:+ReportUnsupportedElementsAtRuntime");
                case "--trace-class-initialization" -> builder.add("-H:TraceClassInitialization=" + value);
                case "--trace-object-instantiation" -> builder.add("-H:TraceObjectInstantiation=" + value);
                case "--allow-incomplete-classpath", "--enable-all-security-services", "--verbose", "--no-server" ->
                        notes.add("ignored " + token + " (" + origin + "): no effect on the builder");
                default -> {
                    if (token.startsWith("-J")) {
                        jvm.add(token.substring(2));
                    } else if (token.startsWith("-H:") || token.startsWith("-R:")) {
                        builder.add(token);
                    } else if (token.startsWith("-D")) {
                        jvm.add(token);
                    } else if (token.startsWith("-O")) {
                        builder.add("-H:Optimize=" + token.substring(2));
                    } else if (token.startsWith("-march=")) {
                        builder.add("-H:March=" + value);
                    } else if (!token.startsWith("-") && name == null) {
                        name = token;
                    } else {
                        throw new IllegalArgumentException("native-check does not translate " + token + " (" + origin
                                + "); add it to deploy/native/NativeCheck.java");
                    }
                }
            }
        }

        private void classInitialization(String classes, String when) {
            if (classes == null || classes.isEmpty()) {
                builder.add("-H:ClassInitialization=:" + when);
                return;
            }
            for (String c : classes.split(",")) {
                if (!c.isBlank()) {
                    builder.add("-H:ClassInitialization=" + c + ":" + when);
                }
            }
        }

        /** The runner jar's manifest gives the class path and main class, as {@code java -jar} would. */
        void finish() throws IOException {
            if (jar == null) {
                throw new IllegalArgumentException("native-image.args has no -jar");
            }
            Path runner = dir.resolve(jar);
            classpath.add(runner.toString());
            try (JarFile j = new JarFile(runner.toFile())) {
                var attributes = j.getManifest().getMainAttributes();
                for (String entry : tokens(attributes.getValue("Class-Path") == null ? "" : attributes.getValue("Class-Path"))) {
                    classpath.add(runner.getParent().resolve(entry).toString());
                }
                builder.add("-H:Class=" + attributes.getValue("Main-Class"));
            }
            builder.add("-H:Name=" + (name != null ? name : jar.replaceAll("\\.jar$", "")));
        }

        /** What the real driver does with each jar's META-INF/native-image/.../native-image.properties. */
        void readJarProperties() throws IOException {
            for (String entry : List.copyOf(classpath)) {
                if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
                    continue;
                }
                try (JarFile j = new JarFile(entry)) {
                    for (var e : j.stream().toList()) {
                        String resource = e.getName();
                        if (!resource.startsWith("META-INF/native-image/") || !resource.endsWith("/native-image.properties")
                                || excluded(entry, resource)) {
                            continue;
                        }
                        Properties p = new Properties();
                        try (InputStream in = j.getInputStream(e)) {
                            p.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                        }
                        String here = resource.substring(0, resource.lastIndexOf('/'));
                        String origin = Path.of(entry).getFileName() + "!/" + resource;
                        for (String token : tokens(p.getProperty("Args", "").replace("${.}", here))) {
                            add(token, origin);
                        }
                        for (String token : tokens(p.getProperty("JavaArgs", ""))) {
                            jvm.add(token);
                        }
                    }
                }
            }
        }

        private boolean excluded(String jarPath, String resource) {
            for (Pattern[] pair : excludedConfig) {
                if (pair[0].matcher(jarPath).find() && pair[1].matcher("/" + resource).find()) {
                    return true;
                }
            }
            return false;
        }
    }
}
