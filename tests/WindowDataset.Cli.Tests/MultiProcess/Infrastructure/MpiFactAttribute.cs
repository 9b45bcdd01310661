namespace WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

/// <summary>A test that needs Open MPI's mpirun: the project-local one that <c>.ci/install-openmpi.sh</c> unpacks, or one on PATH.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (OpenMpi.Mpirun is null)
        {
            Skip = "needs Open MPI's mpirun: run .ci/install-openmpi.sh (unpacks Debian's openmpi-bin into .tools/openmpi) or put mpirun on PATH.";
        }
    }
}
