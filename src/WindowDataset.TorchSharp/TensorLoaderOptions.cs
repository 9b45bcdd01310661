using TorchSharp;
using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>Where and how <see cref="TensorWindowLoader"/> hands batches over.</summary>
public sealed class TensorLoaderOptions
{
    /// <summary>
    /// The device the batches are delivered on; null for the CPU. On the CPU the batch tensor is the loader's
    /// buffer itself; on CUDA it is copied from page-locked memory with <c>non_blocking</c>.
    /// </summary>
    public Device? Device { get; set; }

    /// <summary>
    /// Page-lock the loader's buffers; null (the default) pins exactly when <see cref="Device"/> is a CUDA device.
    /// Pinning needs CUDA.
    /// </summary>
    public bool? PinMemory { get; set; }

    /// <summary>Copy to a CUDA device with <c>non_blocking: true</c> (only from page-locked memory). Default true.</summary>
    public bool NonBlocking { get; set; } = true;

    internal bool IsCuda => Device is not null && Device.type == DeviceType.CUDA;

    internal bool ResolvePin() => PinMemory ?? IsCuda;

    /// <summary>Checks the options once.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The device is neither CPU nor CUDA, CUDA is not available, or pinning was asked for without CUDA.</exception>
    public void Validate()
    {
        if (Device is not null && Device.type != DeviceType.CPU && Device.type != DeviceType.CUDA)
        {
            throw new ArgumentOutOfRangeException(nameof(Device), $"device: expected cpu or cuda; found {Device}.");
        }

        if ((IsCuda || PinMemory == true) && !cuda.is_available())
        {
            throw new ArgumentOutOfRangeException(IsCuda ? nameof(Device) : nameof(PinMemory), $"{(IsCuda ? "device" : "pinMemory")}: expected CUDA to be available; found no CUDA device (this TorchSharp runtime package may be CPU-only).");
        }
    }
}
