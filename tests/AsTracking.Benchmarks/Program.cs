using AsTracking.Benchmarks;

// Each benchmark is a named, bounded run that prints its figures. See README.md in this folder.
var name = args.FirstOrDefault() ?? "roll";
return name switch
{
    "roll" => await RollUploadBenchmark.RunAsync(args.Skip(1).ToArray()),
    "scorer" => ScorerBenchmarks.Run(args.Skip(1).ToArray()),
    "intake" => await IntakeBenchmark.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/AsTracking.Benchmarks -- roll [pupils] [runs]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/AsTracking.Benchmarks -- scorer [BenchmarkDotNet options]");
    Console.Error.WriteLine("       dotnet run -c Release --project tests/AsTracking.Benchmarks -- intake [submissions] [concurrency]");
    return 2;
}
