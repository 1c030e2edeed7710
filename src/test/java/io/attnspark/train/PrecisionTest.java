package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.nn.Autocast;
import org.junit.jupiter.api.Test;

/** {@link Precision} parsing and fallback, and {@link BFloat16Support} on sample hardware descriptions. */
class PrecisionTest {

    private static final String SAPPHIRE_RAPIDS = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            model name\t: Intel(R) Xeon(R) Platinum 8480+
            flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8

            processor\t: 1
            model name\t: Intel(R) Xeon(R) Platinum 8480+
            flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 amx_tile amx_int8
            """;

    private static final String AMX_ONLY = """
            processor\t: 0
            model name\t: Hypothetical AMX part
            flags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile
            """;

    private static final String ZEN3 = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 7763 64-Core Processor
            flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse \
            sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid \
            extd_apicid aperfmperf pni pclmulqdq monitor ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt aes \
            xsave avx f16c rdrand lahf_lm cmp_legacy svm extapic cr8_legacy abm sse4a misalignsse 3dnowprefetch \
            osvw ibs skinit wdt tce topoext perfctr_core perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 \
            invpcid_single hw_pstate ssbd mba ibrs ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 erms invpcid \
            cqm rdt_a rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc cqm_occup_llc \
            cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru wbnoinvd amd_ppin arat npt lbrv svm_lock \
            nrip_save tsc_scale vmcb_clean flushbyasid decodeassists pausefilter pfthreshold v_vmsave_vmload vgif \
            v_spec_ctrl umip pku ospke vaes vpclmulqdq rdpid overflow_recov succor smca fsrm
            """;

    @Test
    void parsesBothNamesInAnyCase() {
        assertEquals(Precision.FLOAT32, Precision.parse("train.precision", "float32"));
        assertEquals(Precision.BFLOAT16, Precision.parse("train.precision", "bfloat16"));
        assertEquals(Precision.BFLOAT16, Precision.parse("train.precision", " BFloat16 "));
        assertEquals(Precision.FLOAT32, Precision.parse("train.precision", "FLOAT32"));
        assertEquals("bfloat16", Precision.BFLOAT16.configName());
    }

    @Test
    void rejectsOtherNamesNamingTheKey() {
        for (String bad : new String[] {"fp16", "bf16", "float16", ""}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Precision.parse("train.precision", bad));
            assertTrue(e.getMessage().contains("train.precision") && e.getMessage().contains("'" + bad + "'")
                    && e.getMessage().contains("float32, bfloat16"), e.getMessage());
        }
    }

    @Test
    void bfloat16FallsBackToFloat32WithoutHardwareSupport() {
        Device cpu = Device.cpu();
        BFloat16Support without = BFloat16Support.ofCpuinfo(ZEN3);
        BFloat16Support with = BFloat16Support.ofCpuinfo(SAPPHIRE_RAPIDS);
        assertEquals(Precision.FLOAT32, Precision.BFLOAT16.on(cpu, without));
        assertEquals(Precision.BFLOAT16, Precision.BFLOAT16.on(cpu, with));
        assertEquals(Precision.FLOAT32, Precision.FLOAT32.on(cpu, with));
        assertEquals(Precision.FLOAT32, Precision.FLOAT32.on(cpu, without));
        assertEquals(Precision.FLOAT32, Precision.FLOAT32.on(cpu));
        // this machine's own answer, through the public route
        assertEquals(BFloat16Support.of(cpu).available() ? Precision.BFLOAT16 : Precision.FLOAT32,
                Precision.BFLOAT16.on(cpu));
    }

    @Test
    void scopesMatchThePrecision() {
        try (Autocast ignored = Precision.BFLOAT16.scope()) {
            assertTrue(Autocast.isActive());
            try (Autocast inner = Precision.FLOAT32.scope()) {
                assertFalse(Autocast.isActive());
            }
        }
        assertFalse(Autocast.isActive());
    }

    @Test
    void cpuWithEitherFlagSupportsBFloat16() {
        BFloat16Support spr = BFloat16Support.ofCpuinfo(SAPPHIRE_RAPIDS);
        assertTrue(spr.available());
        assertTrue(spr.reason().contains("Platinum 8480+") && spr.reason().contains("avx512_bf16"), spr.reason());
        BFloat16Support amx = BFloat16Support.ofCpuinfo(AMX_ONLY);
        assertTrue(amx.available());
        assertTrue(amx.reason().contains("Hypothetical AMX part") && amx.reason().contains("amx_bf16"), amx.reason());
    }

    @Test
    void cpuWithNeitherFlagDoesNotAndSaysWhich() {
        BFloat16Support zen3 = BFloat16Support.ofCpuinfo(ZEN3);
        assertFalse(zen3.available());
        assertTrue(zen3.reason().contains("AMD EPYC 7763") && zen3.reason().contains("avx512_bf16")
                && zen3.reason().contains("amx_bf16"), zen3.reason());
        assertFalse(BFloat16Support.ofCpuinfo("").available());
        // a flag that merely contains the name does not count
        assertFalse(BFloat16Support.ofCpuinfo("model name\t: X\nflags\t\t: avx512_bf16x no_amx_bf16\n").available());
    }

    @Test
    void gpusFromAmpereOn() {
        assertFalse(BFloat16Support.ofComputeCapability("75").available());
        assertTrue(BFloat16Support.ofComputeCapability("75").reason().contains("8.0"));
        for (String cc : new String[] {"80", "86", "90", "100"}) {
            assertTrue(BFloat16Support.ofComputeCapability(cc).available(), cc);
        }
        assertFalse(BFloat16Support.ofComputeCapability(null).available());
        assertFalse(BFloat16Support.ofComputeCapability("sm_80x").available());
        assertFalse(BFloat16Support.ofComputeCapability("").available());
    }
}
