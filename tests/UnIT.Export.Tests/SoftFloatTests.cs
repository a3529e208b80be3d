namespace UnIT.Export.Tests;

/// <summary>
/// tools/msp430/unit_softfloat.c (the float add, subtract, multiply and divide the MSP430 build of a model with float
/// nodes links) against the host's IEEE hardware float: its check program runs special values crossed with each other
/// and random operands (close and far exponents, subnormals, overflow) and stops at the first bit that differs.
/// Without a C compiler this fails under CI=true and is Inconclusive elsewhere.
/// </summary>
[TestClass]
public sealed class SoftFloatTests
{
    [TestMethod]
    public void Soft_float_equals_the_hosts_IEEE_arithmetic_bit_for_bit()
    {
        string compiler = HostCompiler.Find() ?? throw Assets.Missing("No C compiler (cc, gcc or clang) on this machine.");
        string tools = McuBench.FindTools(AppContext.BaseDirectory) ?? throw new AssertFailedException("tools/msp430 not found above the test folder.");
        string dir = Path.Combine(Path.GetTempPath(), $"unit-softfloat-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string exe = Path.Combine(dir, "softfloat_check");
            // -ffp-contract=off and no fast-math: the host's float is the IEEE reference (round to nearest even, subnormals on).
            int rc = HostCompiler.Run(compiler, ["-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror",
                Path.Combine(tools, "softfloat_check.c"), Path.Combine(tools, "unit_softfloat.c"), "-o", exe], out string log);
            Assert.AreEqual(0, rc, $"{compiler} failed on the soft-float runtime:\n{log}");

            rc = HostCompiler.Run(exe, ["300000"], out log);

            Assert.AreEqual(0, rc, log);
            StringAssert.StartsWith(log, "cases: ", "the check reports how many cases it ran");
            Assert.IsGreaterThan(300_000L, long.Parse(log["cases: ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
