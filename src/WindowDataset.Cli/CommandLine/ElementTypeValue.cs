namespace WindowDataset.Cli.CommandLine;

/// <summary>The value of a <c>--dtype</c> option: the text as given (a raw source keeps it), the type and its byte order.</summary>
internal readonly record struct ElementTypeValue(string Text, ElementType Type, bool BigEndian);
