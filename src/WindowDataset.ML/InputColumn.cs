namespace WindowDataset.ML;

/// <summary>The column of one aligned input: its schema index, the input it shows, its element type and vector length.</summary>
internal sealed record InputColumn(int Column, int Input, ElementType Type, int Length);
