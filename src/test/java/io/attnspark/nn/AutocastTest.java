package io.attnspark.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The scope's rules: identity outside, nesting, one thread only, and the convolution block's route. */
class AutocastTest {

    @Test
    void outsideAScopeEveryOperandIsTheArrayItself() {
        assertFalse(Autocast.isActive());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(3, 4));
            NDArray b = manager.randomNormal(new Shape(4, 2));
            assertSame(a, Autocast.lower(a, manager));
            assertSame(a, Autocast.lowerForConvolution(a, manager));
            assertSame(a, Autocast.full(a));
            NDArray bf16;
            try (Autocast ignored = Autocast.bfloat16()) {
                bf16 = Autocast.lower(a, manager);
            }
            assertTrue(DifferentiableCast.isBFloat16(bf16));
            assertSame(bf16, Autocast.full(bf16), "a bf16 array outside a scope is left as it is");
            NDArray product = Autocast.matMul(a, b);
            assertEquals(DataType.FLOAT32, product.getDataType());
            assertArrayEquals(a.matMul(b).toFloatArray(), product.toFloatArray(), 0f);
        }
    }

    @Test
    void insideAScopeOperandsAreBFloat16AndFullIsFloat32() {
        try (NDManager manager = NDManager.newBaseManager();
                Autocast ignored = Autocast.bfloat16()) {
            NDArray a = manager.create(new float[] {1f, 1f + 0x1p-9f, 3.140625f, 1f + 0x1p-7f}, new Shape(2, 2));
            NDArray low = Autocast.lower(a, manager);
            assertNotSame(a, low);
            assertTrue(DifferentiableCast.isBFloat16(low));
            assertSame(low, Autocast.lower(low, manager), "a bf16 operand is not cast again");
            NDArray back = Autocast.full(low);
            assertEquals(DataType.FLOAT32, back.getDataType());
            // bf16's spacing at 1 is 2^-7: 1 + 2^-9 (below the midpoint 1 + 2^-8) rounds to 1, while
            // 3.140625 = 201 * 2^-6 and 1 + 2^-7 are exact
            assertArrayEquals(new float[] {1f, 1f, 3.140625f, 1f + 0x1p-7f}, back.toFloatArray(), 0f);
            assertTrue(DifferentiableCast.isBFloat16(Autocast.matMul(a, a)));
        }
    }

    @Test
    void scopesNestAndRestoreThePreviousMode() {
        assertFalse(Autocast.isActive());
        try (Autocast outer = Autocast.bfloat16()) {
            assertTrue(Autocast.isActive());
            try (Autocast inner = Autocast.float32()) {
                assertFalse(Autocast.isActive());
                try (Autocast innermost = Autocast.bfloat16()) {
                    assertTrue(Autocast.isActive());
                }
                assertFalse(Autocast.isActive());
            }
            assertTrue(Autocast.isActive());
        }
        assertFalse(Autocast.isActive());
    }

    @Test
    void aScopeCoversOnlyItsThread() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(2, 2));
            try (Autocast ignored = Autocast.bfloat16()) {
                boolean otherActive = CompletableFuture.supplyAsync(Autocast::isActive).get();
                boolean otherIdentity = CompletableFuture.supplyAsync(() -> Autocast.lower(a, manager) == a).get();
                assertFalse(otherActive);
                assertTrue(otherIdentity);
                assertTrue(Autocast.isActive());
            }
            CompletableFuture<Boolean> inside = CompletableFuture.supplyAsync(() -> {
                try (Autocast ignored = Autocast.bfloat16()) {
                    return Autocast.isActive();
                }
            });
            assertTrue(inside.get());
            assertFalse(Autocast.isActive(), "another thread's scope leaked into this one");
        }
    }

    /**
     * The block routes through {@link GuardedConvolution#conv2d}, the only place that casts: it once
     * called DJL's inherited static {@code Conv2d.conv2d} by name resolution, bypassing the guard.
     */
    @Test
    void convolutionBlockComputesInBFloat16InsideAScope() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GuardedConvolution.Conv2d conv = new GuardedConvolution.Conv2d(
                    ai.djl.nn.convolutional.Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4));
            Shape shape = new Shape(2, 3, 5, 5);
            conv.initialize(manager, DataType.FLOAT32, shape);
            NDList x = new NDList(manager.randomNormal(shape));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray full = conv.forward(store, x, false).head();
            assertEquals(DataType.FLOAT32, full.getDataType());
            try (Autocast ignored = Autocast.bfloat16()) {
                NDArray half = conv.forward(store, x, false).head();
                assertTrue(DifferentiableCast.isBFloat16(half), "got " + half.getDataType());
                float[] h = Autocast.full(half).toFloatArray();
                float[] f = full.toFloatArray();
                for (int i = 0; i < f.length; i++) {
                    assertEquals(f[i], h[i], 0.02 * (1 + Math.abs(f[i])), "element " + i);
                }
            }
        }
    }
}
