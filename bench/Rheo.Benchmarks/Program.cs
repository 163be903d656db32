using BenchmarkDotNet.Running;
using Rheo.Benchmarks.Routing;

if (args is ["quick-routing", ..])
{
    QuickRoutingMeasure.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
