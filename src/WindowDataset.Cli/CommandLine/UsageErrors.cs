using System.CommandLine;
using System.CommandLine.Parsing;
using WindowDataset.Cli.Commands;

namespace WindowDataset.Cli.CommandLine;

/// <summary>
/// Turns System.CommandLine's parse errors into the tool's one-line messages, from the shape of the parse result
/// (which option, how many values, which tokens were left over), never from the library's (localized) texts.
/// The typed options' own messages (<see cref="CliOptions"/>) pass through unchanged.
/// </summary>
internal static class UsageErrors
{
    public const string Verbs = "info, gen, take, convert, bench";

    /// <summary>The message for a parse result with errors, or null when it has none.</summary>
    public static string? Describe(ParseResult result, IReadOnlyList<string> args)
    {
        if (result.CommandResult.Command is not VerbCommand verb)
        {
            if (result.UnmatchedTokens.Count == 0)
            {
                return result.Errors.Count == 0 ? null : $"expected a verb ({Verbs}); run 'windowds --help' for usage.";
            }

            string first = result.UnmatchedTokens[0];
            return first.StartsWith('-')
                ? $"unknown option '{first}'; expected a verb ({Verbs}) first, or --help or --version."
                : $"unknown verb '{first}'; expected one of {Verbs} (run 'windowds --help').";
        }

        List<string> positionals = Positionals(result, verb);
        int afterDoubleDash = TokensAfterDoubleDash(result);
        for (int i = 0; i < positionals.Count - afterDoubleDash; i++)
        {
            if (FlagWithValue(verb, args, positionals[i]) is { } flag)
            {
                return FlagMessage(verb, flag, positionals[i]);
            }

            if (positionals[i].Length > 1 && positionals[i].StartsWith('-'))
            {
                return UnknownOption(result, verb, positionals[i]);
            }
        }

        foreach (string token in result.UnmatchedTokens)
        {
            if (FlagWithValue(verb, args, token) is { } flag)
            {
                return FlagMessage(verb, flag, token);
            }

            if (token.Length > 1 && token.StartsWith('-'))
            {
                return UnknownOption(result, verb, token);
            }
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            string[] all = [.. positionals, .. result.UnmatchedTokens];
            return $"{verb.Name}: expected {verb.Positionals}; found {all.Length} arguments ('{string.Join("', '", all)}').";
        }

        foreach (ParseError error in result.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult option when option.IdentifierTokenCount > 1:
                    return $"{verb.Name}: option '{option.Option.Name}' given twice; expected it at most once.";
                case OptionResult option when option.IdentifierTokenCount == 0:
                    return $"{verb.Name}: option '{option.Option.Name}' is required.";
                case OptionResult option when option.Tokens.Count == 0 && option.Option.Arity.MinimumNumberOfValues > 0:
                    return $"{verb.Name}: option '{option.Option.Name}' expects a value ({option.Option.HelpName}); found the end of the command line.";
                case ArgumentResult argument when argument.Tokens.Count < argument.Argument.Arity.MinimumNumberOfValues:
                    return $"{verb.Name}: expected {verb.Positionals}; found none.";
                default:
                    break;
            }
        }

        // What is left are the typed options' own messages, already in the tool's voice.
        return result.Errors.Count == 0 ? null : result.Errors[0].Message.ReplaceLineEndings(" ");
    }

    private static string FlagMessage(Command verb, string flag, string value) =>
        $"{verb.Name}: option '{flag}' is a flag; expected no value; found '{value}'.";

    private static string UnknownOption(ParseResult result, VerbCommand verb, string token)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Option option in verb.Options)
        {
            names.Add(option.Name);
        }

        foreach (Option option in result.RootCommandResult.Command.Options)
        {
            if (option.Recursive)
            {
                names.Add(option.Name);
            }
        }

        string name = token.Split('=', 2)[0];
        return $"{verb.Name}: unknown option '{name}'; expected one of {string.Join(", ", names)}.";
    }

    private static List<string> Positionals(ParseResult result, Command command)
    {
        var values = new List<string>();
        foreach (Argument argument in command.Arguments)
        {
            if (result.GetResult(argument) is { } argumentResult)
            {
                foreach (Token token in argumentResult.Tokens)
                {
                    values.Add(token.Value);
                }
            }
        }

        return values;
    }

    private static int TokensAfterDoubleDash(ParseResult result)
    {
        IReadOnlyList<Token> tokens = result.Tokens;
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Type == TokenType.DoubleDash)
            {
                return tokens.Count - i - 1;
            }
        }

        return 0;
    }

    /// <summary>The flag written as <c>--flag=value</c> that left <paramref name="token"/> over, if any.</summary>
    private static string? FlagWithValue(Command command, IReadOnlyList<string> args, string token)
    {
        foreach (Option option in command.Options)
        {
            if (option.Arity.MaximumNumberOfValues == 0 && args.Contains($"{option.Name}={token}"))
            {
                return option.Name;
            }
        }

        return null;
    }
}
