using System.CommandLine;
using UnIT.Cli.Commands;
using UnIT.ML.Data;
using UnIT.ML.Graph;
using UnIT.ML.Pruning;

namespace UnIT.Cli.Options;

/// <summary>
/// What the two device benches (mcu-bench, m4-bench) take and prepare alike: the model, the images, calibration or a
/// thresholds file, the pruning options, one profile the device builds, the folder of the device's tools and
/// <c>--json</c>.
/// </summary>
/// <param name="profile">The one target profile the device runs (a different explicit <c>--profile</c> is refused).</param>
/// <param name="device">What the command runs, for the message refusing another profile (e.g. "measures the msp430 C in mspdebug's simulator").</param>
/// <param name="toolsFolder">The tools folder's path in the repository, as help and messages name it.</param>
/// <param name="findTools">Finds the tools folder above a start folder, or null.</param>
internal sealed class DeviceBenchOptions(string profile, string device, string toolsFolder, Func<string, string?> findTools)
{
    private readonly DataOptions _calibration = new("calibration", "Calibration", withLabels: false, required: false);
    private readonly PruningOptionGroup _pruning = new() { ProfileFollowsThresholds = false };

    /// <summary>The model argument.</summary>
    public Argument<string> Model { get; } = CommonOptions.Model();

    /// <summary>The images to run.</summary>
    public DataOptions Images { get; } = new(role: "Benchmark", withLabels: false);

    /// <summary><c>--tools</c>.</summary>
    public Option<string?> Tools { get; } = new("--tools")
    {
        Description = $"The {toolsFolder} folder (default: found above the current folder or the tool's).",
        HelpName = "DIR",
    };

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = CommonOptions.Json();

    /// <summary>A command with the model argument and every option, in the order help lists them.</summary>
    public Command CreateCommand(string name, string description)
    {
        var command = new Command(name, description) { Model };
        // The device runs one profile, whatever the thresholds file says; help shows it.
        _pruning.Profile.DefaultValueFactory = _ => profile;
        _pruning.Profile.Description = $"Target profile: {profile}, the one this command builds (another is refused).";
        Images.AddTo(command);
        _calibration.AddTo(command);
        _pruning.AddTo(command);
        command.Add(Tools);
        command.Add(Json);
        return command;
    }

    /// <summary>Loads the model and images, calibrates (or reads the thresholds) for the device's profile and finds the tools.</summary>
    /// <exception cref="ArgumentException">For another explicit profile or tools that cannot be found.</exception>
    public (ModelGraph Graph, PrunedModel Model, SampleSet Images, string Tools) Prepare(ParseResult result)
    {
        ModelGraph graph = ModelLoader.Load(result.GetRequiredValue(Model));
        PruningOptions options = _pruning.Read(result);
        if (options.Profile != profile && result.GetResult(_pruning.Profile) is { Implicit: false })
        {
            throw new ArgumentException($"{result.CommandResult.Command.Name} {device}; --profile {options.Profile} cannot run there.");
        }
        PrunedModel model = ExportCCommand.Prepare(graph, options with { Profile = profile }, _calibration.Load(result, graph));
        SampleSet images = Images.Load(result, graph)!;
        string tools = result.GetValue(Tools) ?? findTools(Environment.CurrentDirectory) ?? findTools(AppContext.BaseDirectory)
            ?? throw new ArgumentException($"Cannot find {toolsFolder} above the current folder; give --tools DIR.");
        return (graph, model, images, tools);
    }
}
