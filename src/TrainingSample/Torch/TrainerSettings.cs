namespace TrainingSample.Torch;

/// <summary>What <see cref="Trainer"/> trains: model kind and size, optimiser step, epochs, seed.</summary>
internal sealed record TrainerSettings(int Epochs, double LearningRate, int Hidden, string Model, long Seed);
