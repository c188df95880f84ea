package io.vigil.metrics.domain;

import java.io.ByteArrayOutputStream;

/**
 * Compact storage of sparse bins in MongoDB: one binary field of varints (delta of the sorted bin index, then the
 * count), so reading thousands of rollups decodes a byte array each instead of two lists of boxed numbers.
 */
public final class BinCodec {

    public static byte[] encode(int[] indexes, long[] counts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(indexes.length * 3 + 4);
        int previous = LatencyBins.MIN_INDEX;
        for (int i = 0; i < indexes.length; i++) {
            writeVarLong(out, indexes[i] - previous);
            writeVarLong(out, counts[i]);
            previous = indexes[i];
        }
        return out.toByteArray();
    }

    /** Returns {indexes, counts} via the two output arrays sized by {@link #size}. */
    public static int decode(byte[] data, int[] indexes, long[] counts) {
        int pos = 0;
        int n = 0;
        int previous = LatencyBins.MIN_INDEX;
        while (pos < data.length) {
            long delta = 0;
            int shift = 0;
            byte b;
            do {
                b = data[pos++];
                delta |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while (b < 0);
            long count = 0;
            shift = 0;
            do {
                b = data[pos++];
                count |= (long) (b & 0x7f) << shift;
                shift += 7;
            } while (b < 0);
            previous += (int) delta;
            indexes[n] = previous;
            counts[n] = count;
            n++;
        }
        return n;
    }

    /** Upper bound of the number of bins in an encoded array (two bytes at least per bin). */
    public static int size(byte[] data) {
        return data.length / 2 + 1;
    }

    private static void writeVarLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private BinCodec() {
    }
}
