using System.CommandLine;
using System.Globalization;
using UnIT.ML.Data;

namespace UnIT.Cli.Tests;

[TestClass]
public sealed class OptionValueTests
{
    /// <summary>Bad for every numeric option: words, empty or blank text, hex, separators, non-finite, overflowing, negative, non-ASCII digits.</summary>
    private static readonly string[] BadNumbers = ["abc", "", " ", "0x10", "NaN", "Infinity", "-Infinity", "∞", "1e999", "-1", "1_0", "٣", "1 0", "5%"];

    /// <summary>Also bad where one number is expected (a list option reads "1,5" as 1 and 5).</summary>
    private static readonly string[] BadSingleNumbers = ["1,5", "1.5e", "2,5,"];

    /// <summary>Also bad for whole numbers.</summary>
    private static readonly string[] BadWholeNumbers = ["1.5", "1,000", "1e3", "+-1", "99999999999"];

    private static readonly string[] BadRanges = ["abc", "", "0x10:20", "1,5:9", "-1:5", "5:1", "1:2:3", "NaN:"];

    private static IEnumerable<(Command Command, Option Option, string[] Values)> OptionsWithBadValues()
    {
        foreach (Command command in CliApp.BuildRootCommand().Subcommands)
        {
            foreach (Option option in command.Options)
            {
                Type type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
                bool list = type.IsArray;
                Type element = list ? type.GetElementType()! : type;
                string[]? values = element == typeof(int) ? [.. BadNumbers, .. BadSingleNumbers, .. BadWholeNumbers]
                    : element == typeof(double) || element == typeof(float) ? (list ? BadNumbers : [.. BadNumbers, .. BadSingleNumbers])
                    : element == typeof(RangeSpec) ? BadRanges
                    : null;
                if (values is not null && option.Name == "--bitshift-start")
                {
                    // A signed shift count: negative counts are valid, only those past a float's exponent range are not.
                    values = [.. values.Where(v => v != "-1"), "-150", "128"];
                }
                if (values is not null)
                {
                    yield return (command, option, values);
                }
            }
        }
    }

    /// <summary>The command line with the model argument, every other required option with a valid value, and <paramref name="option"/> = <paramref name="value"/>.</summary>
    private static string[] CommandLine(Command command, Option? option, string value, string model = "/no/such/model.onnx")
    {
        var args = new List<string> { command.Name, model };
        foreach (Option required in command.Options.Where(o => o.Required && o != option))
        {
            args.Add(required.Name);
            args.Add(required.ValueType == typeof(double) ? "0.01" : "placeholder");
        }
        if (option is not null)
        {
            args.Add(option.Name);
            args.Add(value);
        }
        return args.ToArray();
    }

    [TestMethod]
    public void Every_numeric_option_of_every_command_refuses_bad_values_with_one_clean_usage_line_naming_it()
    {
        var checkedOptions = new List<string>();
        foreach ((Command command, Option option, string[] values) in OptionsWithBadValues())
        {
            foreach (string value in values)
            {
                string[] args = CommandLine(command, option, value);
                string what = string.Join(' ', args.Select(a => $"[{a}]"));

                var run = Cli.Run(args);

                Assert.AreEqual(ExitCodes.Usage, run.Code, $"{what}\nstdout: {run.Out}\nstderr: {run.Err}");
                Assert.AreEqual("", run.Out, what);
                string line = Cli.SingleErrorLine(run, ExitCodes.Usage);
                Assert.Contains(option.Name, line, what);
                Assert.DoesNotContain("   at ", run.Err, what);
                Assert.DoesNotContain("Exception", run.Err, what);
                Assert.DoesNotContain("System.", run.Err, what);
            }
            checkedOptions.Add($"{command.Name} {option.Name}");
        }
        // The loop must have found the options the issue names, or it checks nothing.
        foreach (string expected in new[] { "evaluate --percentile", "evaluate --fatrelu", "evaluate --magnitude-sparsity", "evaluate --batch-size",
            "evaluate --range", "fit --percentile", "sweep --percentiles", "sweep --fatrelu", "sweep --magnitude-sparsity",
            "search --max-accuracy-drop", "search --confidence-z", "search --budget", "predict --limit", "score --range" })
        {
            CollectionAssert.Contains(checkedOptions, expected);
        }
    }

    [TestMethod]
    public void Every_blank_path_is_a_usage_error_naming_its_option()
    {
        int checkedPaths = 0;
        foreach (Command command in CliApp.BuildRootCommand().Subcommands)
        {
            foreach (Option option in command.Options.Where(o => o.ValueType == typeof(string)))
            {
                foreach (string blank in new[] { "", "  " })
                {
                    // search's --images also asks for --labels: a second line then, about that.
                    string[] args = CommandLine(command, option, blank);
                    var run = Cli.Run(args);
                    Assert.AreEqual(ExitCodes.Usage, run.Code, $"{string.Join(' ', args.Select(a => $"[{a}]"))}: {run.Err}");
                    Assert.Contains($"error: Invalid {option.Name} '{blank}'", run.Err);
                    Assert.DoesNotContain("Exception", run.Err);
                }
                checkedPaths++;
            }
            string line = Cli.SingleErrorLine(Cli.Run(CommandLine(command, null, "", model: "")), ExitCodes.Usage);
            Assert.Contains("<model> ''", line);
        }
        Assert.IsGreaterThan(15, checkedPaths);
    }

    [TestMethod]
    public void A_range_with_an_excluded_end_refuses_that_end_by_name()
    {
        Command search = CliApp.BuildRootCommand().Subcommands.Single(s => s.Name == "search");

        string zero = Cli.SingleErrorLine(Cli.Run(CommandLine(search, search.Options.Single(o => o.Name == "--baseline-share"), "0")), ExitCodes.Usage);

        Assert.Contains("Invalid --baseline-share '0': expected a number from 0 (0 excluded) to 1.", zero);
    }

    [TestMethod]
    [DataRow("evaluate", "--division", "fast", "fast")]
    [DataRow("evaluate", "--profile", "avr", "avr")]
    [DataRow("search", "--objective", "speed", "speed")]
    [DataRow("search", "--division", "", "")]
    [DataRow("sweep", "--group-wise", "maybe", "maybe")]
    [DataRow("sweep", "--divisions", "exact,,bitshift", "exact,,bitshift")]
    [DataRow("sweep", "--profiles", "msp430,avr", "avr")]
    public void Bad_names_are_usage_errors_naming_the_option(string command, string option, string value, string named)
    {
        Command c = CliApp.BuildRootCommand().Subcommands.Single(s => s.Name == command);
        string[] args = CommandLine(c, c.Options.Single(o => o.Name == option), value);

        string line = Cli.SingleErrorLine(Cli.Run(args), ExitCodes.Usage);

        Assert.Contains(option, line);
        Assert.Contains($"'{named}'", line);
    }

    [TestMethod]
    public void Numbers_are_read_in_the_invariant_culture_whatever_the_current_one()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // As in German, "2,5" is two and a half and "1.000" one thousand; the tool must not care.
            var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            german.NumberFormat.NumberDecimalSeparator = ",";
            german.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = german;
            ParseResult single = CliApp.BuildRootCommand().Parse(["evaluate", "m.onnx", "--images", "i", "--percentile", "2.5", "--fatrelu", "1000"]);
            ParseResult list = CliApp.BuildRootCommand().Parse(["sweep", "m.onnx", "--calibration-images", "c", "--validation-images", "v",
                "--validation-labels", "l", "--out", "o", "--percentiles", "1,5", "--percentiles", "12.5", "--fatrelu", "0.5,0"]);

            Assert.IsEmpty(single.Errors, string.Join("; ", single.Errors.Select(e => e.Message)));
            Assert.AreEqual(2.5, single.GetValue<double?>("--percentile"));
            Assert.AreEqual(1000f, single.GetValue<float>("--fatrelu"));
            Assert.IsEmpty(list.Errors, string.Join("; ", list.Errors.Select(e => e.Message)));
            CollectionAssert.AreEqual(new[] { 1.0, 5.0, 12.5 }, list.GetValue<double[]>("--percentiles"));
            CollectionAssert.AreEqual(new[] { 0.0, 0.5 }, list.GetValue<double[]>("--fatrelu"));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
