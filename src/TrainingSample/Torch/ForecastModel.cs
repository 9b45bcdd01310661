using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TrainingSample.Torch;

/// <summary>
/// A small forecaster over one window (B, W, *RowShape): an MLP over the flattened window, or a Conv1d over time
/// followed by a linear head. It outputs (B, outputs), the flattened target.
/// </summary>
internal sealed class ForecastModel : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> _body;
    private readonly bool _conv;
    private readonly long _channels;

    public ForecastModel(string kind, int window, long channels, int hidden, long outputs)
        : base(nameof(ForecastModel))
    {
        _conv = kind == "conv1d";
        _channels = channels;
        _body = _conv
            ? Sequential(Conv1d(channels, hidden, 3, padding: 1), ReLU(), Flatten(), Linear(hidden * (long)window, outputs))
            : Sequential(Flatten(), Linear(window * channels, hidden), ReLU(), Linear(hidden, outputs));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (!_conv)
        {
            return _body.forward(input);
        }

        using Tensor rows = input.reshape(input.shape[0], input.shape[1], _channels);
        using Tensor channelsFirst = rows.transpose(1, 2);
        return _body.forward(channelsFirst);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }
}
