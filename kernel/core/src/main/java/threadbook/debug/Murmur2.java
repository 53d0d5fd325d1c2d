package threadbook.debug;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash2 (32-bit, little-endian blocks) of a string's UTF-8 bytes: JupyterLab names a cell's source
 * "tmpFilePrefix + hash(code, hashSeed) + tmpFileSuffix" with it, and the kernel must name it the same way
 * for a breakpoint in the gutter to reach the cell.
 */
final class Murmur2 {
    /** The seed ipykernel announces in debugInfo; any value works, as JupyterLab takes the kernel's. */
    static final long SEED = 0xC70F6907L;
    private static final int M = 0x5BD1E995;

    private Murmur2() {}

    /** The hash as the unsigned 32-bit number JupyterLab prints in the path. */
    static long hash(String text, long seed) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        int length = data.length;
        int h = (int) seed ^ length;
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= M;
            k ^= k >>> 24;
            k *= M;
            h *= M;
            h ^= k;
        }
        switch (length - i) {
            case 3:
                h ^= (data[i + 2] & 0xff) << 16;
                // fall through
            case 2:
                h ^= (data[i + 1] & 0xff) << 8;
                // fall through
            case 1:
                h ^= data[i] & 0xff;
                h *= M;
                break;
            default:
                break;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h & 0xffffffffL;
    }
}
