package io.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster on loopback for tests: three masters with one replica each, created with
 * {@code redis-cli --cluster create} as an operator would. A master can be killed to test failover: its replica is
 * promoted by the cluster itself.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int MASTERS = 3;

    private final List<Node> nodes = new ArrayList<>();

    /** Starts six nodes and forms the cluster; returns once every slot is served and the state is ok. */
    public RedisCluster start() {
        for (int i = 0; i < MASTERS * 2; i++) {
            nodes.add(new Node(RedisServer.freePort()).start());
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> create.add("127.0.0.1:" + n.port));
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String out = run(create, Duration.ofSeconds(60));
        if (!out.contains("[OK] All 16384 slots covered")) {
            throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
        }
        awaitState("ok", Duration.ofSeconds(30));
        return this;
    }

    /** The nodes' URLs, for {@code quarkus.redis.hosts} with {@code quarkus.redis.client-type=cluster}. */
    public String hosts() {
        return nodes.stream().map(n -> "redis://127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    public List<Integer> ports() {
        return nodes.stream().map(n -> n.port).toList();
    }

    /** Ports of the nodes that are masters now. */
    public List<Integer> masters() {
        List<Integer> masters = new ArrayList<>();
        for (Node node : nodes) {
            if (node.alive() && cli(node.port, "ROLE").startsWith("master")) {
                masters.add(node.port);
            }
        }
        return masters;
    }

    /** Port of the master that serves {@code key}'s slot now (the others answer MOVED). */
    public int masterOf(String key) {
        for (int port : masters()) {
            if (!cli(port, "TYPE", key).startsWith("MOVED")) {
                return port;
            }
        }
        throw new IllegalStateException("no master serves " + key);
    }

    /** SIGKILLs the node on {@code port}, as a crashed master. */
    public void kill(int port) {
        nodes.stream().filter(n -> n.port == port).forEach(Node::kill);
    }

    /** Waits until a live node reports {@code cluster_state:<state>} and all slots assigned to live masters. */
    public void awaitState(String state, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String info = "";
        while (System.nanoTime() < deadline) {
            for (Node node : nodes) {
                if (node.alive()) {
                    info = cli(node.port, "CLUSTER", "INFO");
                    if (info.contains("cluster_state:" + state) && info.contains("cluster_slots_ok:16384")) {
                        return;
                    }
                    break;
                }
            }
            sleep(100);
        }
        throw new IllegalStateException("cluster not " + state + " within " + timeout + ":\n" + info);
    }

    @Override
    public void close() {
        nodes.forEach(Node::kill);
    }

    private static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(10)).trim();
    }

    private static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " timed out");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One cluster node: its own directory (nodes.conf, AOF), a short node timeout so failover takes seconds. */
    private static final class Node {
        final int port;
        final Path dir;
        Process process;

        Node(int port) {
            this.port = port;
            try {
                this.dir = Files.createTempDirectory("vigil-redis-cluster-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Node start() {
            List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
                    "2000", "--appendonly", "yes", "--save", "", "--dir", dir.toString());
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("redis.log").toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run redis-server: install it (apt-get install redis-server)", e);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!cli(port, "PING").equals("PONG")) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("cluster node did not start; see " + dir.resolve("redis.log"));
                }
                sleep(50);
            }
            return this;
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        void kill() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }
    }
}
