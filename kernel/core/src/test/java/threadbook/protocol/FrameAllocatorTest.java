package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameAllocatorTest {

    @Test
    void anImpossibleSizeGetsAnEmptyFrameInsteadOfAnException() {
        FrameAllocator allocator = new FrameAllocator(8L << 20);
        assertEquals(0, allocator.allocate(-1).size());
        assertEquals(0, allocator.allocate(Integer.MIN_VALUE).size());
        assertEquals(100, allocator.allocate(100).size());
    }

    @Test
    void largeFramesShareABudgetAndGetItBackWhenCollected() throws Exception {
        FrameAllocator allocator = new FrameAllocator(4L * FrameAllocator.LARGE);
        var kept = new java.util.ArrayList<zmq.Msg>();
        for (int i = 0; i < 4; i++) {
            kept.add(allocator.allocate(FrameAllocator.LARGE));
            assertEquals(FrameAllocator.LARGE, kept.get(i).size());
        }
        assertEquals(0, allocator.allocate(FrameAllocator.LARGE).size(), "the budget is spent");
        assertEquals(1000, allocator.allocate(1000).size(), "small frames are never refused");
        kept.clear();
        int size = 0;
        for (int i = 0; i < 50 && size == 0; i++) {
            System.gc();
            Thread.sleep(50);
            size = allocator.allocate(FrameAllocator.LARGE).size();
        }
        assertEquals(FrameAllocator.LARGE, size, "once the frames were read and dropped, the budget is back");
    }
}
