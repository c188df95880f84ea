package io.vigil.metrics.otlp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body under two caps: the bytes as sent, and the bytes after {@code Content-Encoding: gzip}. Reading
 * stops one byte past a cap, so a gzip bomb costs at most the cap in memory and time.
 */
final class OtlpBody {

    private OtlpBody() {
    }

    static byte[] read(InputStream in, String contentEncoding, long maxBody, long maxInflated) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase();
        try {
            byte[] raw = readCapped(in, maxBody, "the body is larger than " + maxBody + " bytes");
            return switch (encoding) {
                case "", "identity" -> raw;
                case "gzip" -> readCapped(new GZIPInputStream(new java.io.ByteArrayInputStream(raw)), maxInflated,
                        "the body inflates past " + maxInflated + " bytes");
                default -> throw new OtlpException(415, "Unsupported Media Type",
                        "Content-Encoding " + contentEncoding + " is not supported (use gzip or none)");
            };
        } catch (ZipException | java.io.EOFException e) {
            throw new OtlpException(400, "Bad Request", "the gzip body is corrupt: " + e.getMessage());
        } catch (IOException e) {
            throw new OtlpException(400, "Bad Request", "the body could not be read: " + e.getMessage());
        }
    }

    private static byte[] readCapped(InputStream in, long cap, String tooLarge) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > cap) {
                throw new OtlpException(413, "Content Too Large", tooLarge);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
