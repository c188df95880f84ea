package io.vigil.cache.store;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

/**
 * LZ4 (lz4-java's fastest available implementation) for values over the threshold. The codec field of an entry is
 * empty (stored as is) or {@code lz4:<original length>}; a value that does not shrink is stored as is.
 */
public final class Codec {

    private static final LZ4Factory FACTORY = LZ4Factory.fastestInstance();
    private static final LZ4Compressor COMPRESSOR = FACTORY.fastCompressor();
    private static final LZ4FastDecompressor DECOMPRESSOR = FACTORY.fastDecompressor();

    public record Encoded(byte[] bytes, String codec) {
    }

    private Codec() {
    }

    public static Encoded encode(byte[] value, boolean compress, int threshold) {
        if (!compress || value.length < threshold) {
            return new Encoded(value, "");
        }
        byte[] packed = COMPRESSOR.compress(value);
        return packed.length < value.length ? new Encoded(packed, "lz4:" + value.length) : new Encoded(value, "");
    }

    public static byte[] decode(byte[] stored, String codec) {
        if (codec == null || codec.isEmpty()) {
            return stored;
        }
        if (!codec.startsWith("lz4:")) {
            throw new IllegalStateException("unknown codec " + codec);
        }
        return DECOMPRESSOR.decompress(stored, Integer.parseInt(codec.substring(4)));
    }
}
