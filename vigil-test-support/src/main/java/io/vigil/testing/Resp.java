package io.vigil.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal RESP2 client for tests that act as an outside app or consumer would: XADD samples, read the event
 * streams as any consumer sees them, count keys (the services' own clients are not on an IT's class path). One
 * connection, one command at a time; an error reply is an {@link IllegalStateException}.
 */
public final class Resp implements AutoCloseable {

    /** One stream entry: its id (milliseconds-sequence) and its fields. */
    public record Entry(String id, Map<String, String> fields) {
        public long millis() {
            return Long.parseLong(id.substring(0, id.indexOf('-')));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public Resp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized Object call(String... args) {
        try {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.write(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.write(bytes);
                request.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(request.toByteArray());
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every entry of {@code stream} from {@code fromMillis} on, paged (XRANGE ... COUNT 1000). */
    public List<Entry> range(String stream, long fromMillis) {
        List<Entry> all = new ArrayList<>();
        String start = Long.toString(fromMillis);
        while (true) {
            List<?> page = (List<?>) call("XRANGE", stream, start, "+", "COUNT", "1000");
            for (Object item : page) {
                List<?> entry = (List<?>) item;
                List<?> kv = (List<?>) entry.get(1);
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i + 1 < kv.size(); i += 2) {
                    fields.put((String) kv.get(i), (String) kv.get(i + 1));
                }
                all.add(new Entry((String) entry.get(0), fields));
            }
            if (page.size() < 1000) {
                return all;
            }
            start = "(" + all.get(all.size() - 1).id();
        }
    }

    private Object read() throws IOException {
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException("redis: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(length);
                for (int i = 0; i < length; i++) {
                    items.add(read());
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected RESP type " + type);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            buffer.write(b);
        }
        in.read(); // '\n'
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
