using TorchSharp;
using WindowDataset.TorchSharp.Tests.Infrastructure;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp.Tests;

public sealed class TorchSharpLoadingTests
{
    [Fact]
    public void Tensor_Create_LoadsNativeLibrary()
    {
        // Fails with "doesn't contain a reference to libtorch-cpu-linux-x64" when libLibTorchSharp.so cannot load
        // (Debian 12 without the build step in build/PatchLibTorchSharp.targets).
        using Tensor t = arange(6, ScalarType.Float64).reshape(2, 3);
        using Tensor sum = t.sum();

        Assert.Equal(15.0, sum.ToDouble());
        Assert.Equal([2L, 3L], t.shape);
    }

    [LinuxFact("build/PatchLibTorchSharp.targets patches the Linux library only; other systems load TorchSharp unpatched.")]
    public void BuildOutput_LibTorchSharp_Glibcxx3432IsWeakOrProvidedBySystem()
    {
        string[] libraries = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.NotEmpty(libraries);
        bool systemHasIt = ElfVersionReader.SystemLibStdCxxProvides("GLIBCXX_3.4.32");
        foreach (string library in libraries)
        {
            ushort? flags = ElfVersionReader.GetVersionFlags(library, "GLIBCXX_3.4.32");
            Assert.True(systemHasIt || flags is null || (flags & 0x2) != 0, $"{library}: GLIBCXX_3.4.32 flags {flags}; expected WEAK (0x2) on a system whose libstdc++ lacks it.");
        }
    }
}
