using TrainingSample;
using TrainingSample.MlNet;
using TrainingSample.Torch;

SampleArguments? arguments = null;
try
{
    arguments = SampleArguments.Parse(args);
    if (arguments.Help)
    {
        return arguments.WriteHelp(Console.Out);
    }

    SampleConfig config = SampleConfig.Load(arguments.ConfigPath);
    return config.Mode == "mlnet"
        ? MlNetJob.Run(config.Root, config.Path, arguments.Json, Console.Out)
        : TorchJob.Run(config, arguments, Console.Out);
}
catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or InvalidOperationException or UnauthorizedAccessException or NotSupportedException or System.Runtime.InteropServices.ExternalException)
{
    Console.Out.Flush();
    Console.Error.WriteLine(arguments?.Verbose == true ? ex.ToString() : $"error: {ex.Message}");
    return 1;
}
