using UnIT.ML.Data;
using UnIT.ML.Graph;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class ErrorReporterTests
{
    private static string Report(Exception e, bool debug = false)
    {
        var stderr = new StringWriter();
        int code = ErrorReporter.Report(e, stderr, debug);
        Assert.AreEqual(ExitCodes.Failure, code);
        return stderr.ToString();
    }

    private static Exception Thrown(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new AssertFailedException("nothing was thrown");
    }

    private static void AssertOneCleanLine(string err)
    {
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, err);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("Exception", err);
        Assert.DoesNotContain("unexpected", err);
        Assert.DoesNotContain("   at ", err);
    }

    [TestMethod]
    public void A_user_problem_wrapped_by_an_MLNet_worker_is_reported_by_its_own_message()
    {
        var wrapped = new InvalidOperationException("Splitter/consolidator worker encountered exception while consuming source data",
            new DatasetException("Row 3 of 'x.csv' has 5 values; the model needs 784."));

        string err = Report(new AggregateException(wrapped));

        AssertOneCleanLine(err);
        Assert.AreEqual("error: Row 3 of 'x.csv' has 5 values; the model needs 784.", err.Trim());
    }

    [TestMethod]
    public void Argument_errors_lose_the_internal_parameter_name()
    {
        string err = Report(new ArgumentOutOfRangeException("sparsity", 2.0, "Magnitude-pruning sparsity must be in [0, 1)."));

        AssertOneCleanLine(err);
        Assert.Contains("Magnitude-pruning sparsity must be in [0, 1).", err);
        Assert.DoesNotContain("Parameter", err);
        Assert.DoesNotContain("'sparsity'", err);
    }

    [TestMethod]
    public void What_our_library_throws_on_purpose_is_shown_as_is()
    {
        Exception e = Thrown(() => _ = new Shape(Shape.Dynamic, 3).ElementCount);

        string err = Report(e);

        AssertOneCleanLine(err);
        Assert.Contains("dynamic dimension", err);
        Assert.DoesNotContain("internal error", err);
    }

    [TestMethod]
    public void A_runtime_overflow_is_a_size_too_large_not_an_exception_name()
    {
        Exception e = Thrown(() =>
        {
            int big = int.MaxValue;
            _ = checked(big * 2);
        });

        string err = Report(e);

        AssertOneCleanLine(err);
        Assert.Contains("too large", err);
    }

    [TestMethod]
    public void A_bug_gets_a_short_line_without_the_type_or_stack_unless_debugging()
    {
        Exception e = Thrown(() => _ = ((string?)null)!.Length);

        string quiet = Report(e);
        string debug = Report(e, debug: true);

        AssertOneCleanLine(quiet);
        Assert.Contains("internal error", quiet);
        Assert.Contains(ErrorReporter.DebugVariable + "=1", quiet);
        Assert.StartsWith(quiet.Trim(), debug);
        Assert.Contains("NullReferenceException", debug);
        Assert.Contains("   at ", debug);
    }
}
