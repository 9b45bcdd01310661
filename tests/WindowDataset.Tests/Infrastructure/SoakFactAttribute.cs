namespace WindowDataset.Tests.Infrastructure;

/// <summary>A test that runs only when <c>WINDOWDATASET_SOAK=1</c> (long runs stay out of the default test run).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SoakFactAttribute : FactAttribute
{
    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("WINDOWDATASET_SOAK") != "1")
        {
            Skip = "soak test: set WINDOWDATASET_SOAK=1 (and WINDOWDATASET_SOAK_MINUTES, default 10) to run it.";
        }
    }
}
