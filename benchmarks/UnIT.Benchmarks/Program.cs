using BenchmarkDotNet.Running;

// Run all benchmarks: dotnet run -c Release --project benchmarks/UnIT.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(UnIT.Benchmarks.InferenceBenchmarks).Assembly).Run(args);
