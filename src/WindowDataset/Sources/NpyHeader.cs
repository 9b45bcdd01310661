using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace WindowDataset.Sources;

/// <summary>A parsed <c>.npy</c> header: element type, byte order, shape and where the data starts.</summary>
internal sealed class NpyHeader
{
    /// <summary>Largest header accepted, in bytes (numpy writes well under 1 KiB; its own reader stops at 10,000 by default).</summary>
    internal const int MaxHeaderLength = 1 << 16;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(int major, int minor, ElementType type, bool bigEndian, long[] shape, long dataOffset)
    {
        Major = major;
        Minor = minor;
        ElementType = type;
        BigEndian = bigEndian;
        Shape = shape;
        DataOffset = dataOffset;
    }

    public int Major { get; }

    public int Minor { get; }

    public ElementType ElementType { get; }

    public bool BigEndian { get; }

    public long[] Shape { get; }

    public long DataOffset { get; }

    /// <summary>Reads and parses the header of an open file of the given length.</summary>
    public static NpyHeader Read(string path, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long fileLength) =>
        Read(path, new LocalFileBytes(path, handle, fileLength), fileLength);

    /// <summary>Reads and parses the header of a local file or a remote object of the given length.</summary>
    public static NpyHeader Read(string path, ByteSource handle, long fileLength)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = ReadAtMost(handle, prefix, 0);
        if (got < 6 || !prefix[..6].SequenceEqual(Magic))
        {
            throw Invalid(path, "magic", "the 6 bytes \\x93NUMPY", got < 6 ? $"a file of {fileLength} bytes" : $"the bytes {Convert.ToHexString(prefix[..6])} (not a .npy file)");
        }

        if (got < 10)
        {
            throw Invalid(path, "header", "a version and a header length after the magic", $"a file of {fileLength} bytes");
        }

        int major = prefix[6];
        int minor = prefix[7];
        long headerLength;
        int headerStart;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (got < 12)
                {
                    throw Invalid(path, "header length", "a 4-byte header length", $"a file of {fileLength} bytes");
                }

                headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
                headerStart = 12;
                break;
            default:
                throw Invalid(path, "version", "format version 1.0, 2.0 or 3.0", $"{major}.{minor}");
        }

        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(path, "header length", $"at most {MaxHeaderLength} bytes", $"{headerLength} bytes");
        }

        if (headerStart + headerLength > fileLength)
        {
            throw Invalid(path, "header length", $"a header that ends within the file ({fileLength} bytes)", $"{headerLength} bytes from offset {headerStart}");
        }

        byte[] raw = new byte[headerLength];
        if (ReadAtMost(handle, raw, headerStart) != raw.Length)
        {
            throw Invalid(path, "header", $"{headerLength} header bytes", "fewer (file shrank while reading?)");
        }

        string text;
        try
        {
            text = major == 3
                ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw)
                : Encoding.Latin1.GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(path, "header", "UTF-8 text (format 3.0)", "invalid UTF-8");
        }

        (ElementType type, bool bigEndian, long[] shape) = ParseDictionary(path, text);
        return new NpyHeader(major, minor, type, bigEndian, shape, headerStart + headerLength);
    }

    /// <summary>Parses the header dictionary text (<c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c>).</summary>
    internal static (ElementType Type, bool BigEndian, long[] Shape) ParseDictionary(string path, string text)
    {
        var parser = new LiteralParser(path, text);
        Dictionary<string, object?> dict = parser.ParseHeader();
        foreach (string key in dict.Keys)
        {
            if (key is not ("descr" or "fortran_order" or "shape"))
            {
                throw Invalid(path, "header", "exactly the keys 'descr', 'fortran_order', 'shape'", $"an extra key '{key}'");
            }
        }

        foreach (string key in (ReadOnlySpan<string>)["descr", "fortran_order", "shape"])
        {
            if (!dict.ContainsKey(key))
            {
                throw Invalid(path, "header", $"the key '{key}'", "it missing");
            }
        }

        object? descr = dict["descr"];
        if (descr is not string descrText)
        {
            string what = descr switch
            {
                List<object?> => "a structured dtype (a list of fields)",
                object?[] => "a sub-array dtype (a tuple)",
                _ => Repr(descr),
            };
            throw Invalid(path, "descr", "a simple dtype string such as '<f8'", what);
        }

        if (descrText.Length > 1 && descrText[1..] is "O" or "O8" or "O4")
        {
            throw Invalid(path, "descr", "a numeric or bool dtype", $"'{descrText}' (object arrays hold Python pointers, not data)");
        }

        if (!ElementTypeInfo.TryParse(descrText, out ElementType type, out bool bigEndian) || descrText.Length != 3 || descrText[0] is not ('<' or '>' or '|' or '='))
        {
            throw Invalid(path, "descr", "one of <f8 <f4 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1 (or big-endian '>')", $"'{descrText}'");
        }

        if (dict["fortran_order"] is not bool fortran)
        {
            throw Invalid(path, "fortran_order", "True or False", Repr(dict["fortran_order"]));
        }

        if (fortran)
        {
            throw Invalid(path, "fortran_order", "False (C order)", "True; rewrite the file in C order with np.save(path, np.ascontiguousarray(a))");
        }

        if (dict["shape"] is not object?[] items)
        {
            throw Invalid(path, "shape", "a tuple of integers", Repr(dict["shape"]));
        }

        if (items.Length == 0)
        {
            throw Invalid(path, "shape", "at least one dimension", "() (a scalar)");
        }

        long[] shape = new long[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not long dim)
            {
                throw Invalid(path, "shape", "a tuple of integers", $"{Repr(items[i])} at position {i}");
            }

            if (dim <= 0)
            {
                throw Invalid(path, "shape", "dimensions > 0", $"{dim} at position {i}");
            }

            shape[i] = dim;
        }

        return (type, bigEndian, shape);
    }

    private static int ReadAtMost(ByteSource bytes, Span<byte> buffer, long offset) => bytes.ReadAtMost(offset, buffer);

    /// <summary>A short Python-like rendering of a parsed header value, for error messages.</summary>
    internal static string Repr(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return text.Length > 80 ? string.Concat(text.ToString(0, 77), "...") : text.ToString();

        static void Append(StringBuilder text, object? value)
        {
            if (text.Length > 80)
            {
                return;
            }

            switch (value)
            {
                case null: text.Append("None"); break;
                case bool b: text.Append(b ? "True" : "False"); break;
                case long l: text.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case string s: text.Append('\'').Append(s).Append('\''); break;
                case object?[] tuple:
                    text.Append('(');
                    for (int i = 0; i < tuple.Length; i++)
                    {
                        Append(text.Append(i > 0 ? ", " : string.Empty), tuple[i]);
                    }

                    text.Append(tuple.Length == 1 ? ",)" : ")");
                    break;
                case List<object?> list:
                    text.Append('[');
                    for (int i = 0; i < list.Count; i++)
                    {
                        Append(text.Append(i > 0 ? ", " : string.Empty), list[i]);
                    }

                    text.Append(']');
                    break;
                case Dictionary<string, object?>: text.Append("a dict"); break;
                default: text.Append(value); break;
            }
        }
    }

    internal static InvalidDataException Invalid(string path, string field, string expected, string found) =>
        new($"{path}: invalid .npy {field}: expected {expected}; found {found}.");

    /// <summary>A parser for the small subset of Python literals numpy writes in headers.</summary>
    private ref struct LiteralParser
    {
        private readonly string _path;
        private readonly string _text;
        private int _pos;
        private int _depth;

        public LiteralParser(string path, string text)
        {
            _path = path;
            _text = text;
            _pos = 0;
            _depth = 0;
        }

        public Dictionary<string, object?> ParseHeader()
        {
            SkipSpace();
            if (Peek() != '{')
            {
                throw Error("'{'");
            }

            object? value = ParseValue();
            SkipSpace();
            if (_pos != _text.Length)
            {
                throw Error("the end of the header after the dictionary");
            }

            return (Dictionary<string, object?>)value!;
        }

        private object? ParseValue()
        {
            if (++_depth > 16)
            {
                throw Error("at most 16 levels of nesting");
            }

            SkipSpace();
            char c = Peek();
            object? result;
            if (c == '{')
            {
                result = ParseDict();
            }
            else if (c == '(')
            {
                result = ParseSequence('(', ')').ToArray();
            }
            else if (c == '[')
            {
                result = ParseSequence('[', ']');
            }
            else if (c is '\'' or '"')
            {
                result = ParseString();
            }
            else if (c is '-' or '+' || char.IsAsciiDigit(c))
            {
                result = ParseInteger();
            }
            else if (Match("True"))
            {
                result = true;
            }
            else if (Match("False"))
            {
                result = false;
            }
            else if (Match("None"))
            {
                result = null;
            }
            else
            {
                throw Error("a Python literal (dict, tuple, list, string, integer, True, False, None)");
            }

            _depth--;
            return result;
        }

        private Dictionary<string, object?> ParseDict()
        {
            _pos++; // '{'
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _pos++;
                    return dict;
                }

                if (Peek() is not ('\'' or '"'))
                {
                    throw Error("a string key or '}'");
                }

                string key = ParseString();
                SkipSpace();
                Expect(':');
                object? value = ParseValue();
                if (!dict.TryAdd(key, value))
                {
                    throw NpyHeader.Invalid(_path, "header", "each key once", $"'{key}' twice");
                }

                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != '}')
                {
                    throw Error("',' or '}'");
                }
            }
        }

        private List<object?> ParseSequence(char open, char close)
        {
            _pos++; // open
            var items = new List<object?>();
            while (true)
            {
                SkipSpace();
                if (Peek() == close)
                {
                    _pos++;
                    return items;
                }

                if (items.Count >= 64)
                {
                    throw Error($"at most 64 items in a '{open}{close}'");
                }

                items.Add(ParseValue());
                SkipSpace();
                if (Peek() == ',')
                {
                    _pos++;
                }
                else if (Peek() != close)
                {
                    throw Error($"',' or '{close}'");
                }
            }
        }

        private string ParseString()
        {
            char quote = _text[_pos++];
            int start = _pos;
            while (_pos < _text.Length && _text[_pos] != quote)
            {
                if (_text[_pos] is '\\' or '\n')
                {
                    throw Error("a plain string without escapes");
                }

                _pos++;
            }

            if (_pos >= _text.Length)
            {
                throw Error($"a closing {quote}");
            }

            return _text[start.._pos++];
        }

        private long ParseInteger()
        {
            int start = _pos;
            if (Peek() is '-' or '+')
            {
                _pos++;
            }

            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }

            if (_pos < _text.Length && _text[_pos] == 'L')
            {
                _pos++; // Python 2 long suffix, written by old numpy.
                if (!long.TryParse(_text.AsSpan(start, _pos - 1 - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long withSuffix))
                {
                    throw Error("an integer that fits in 64 bits");
                }

                return withSuffix;
            }

            if (!long.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                throw Error("an integer that fits in 64 bits");
            }

            return value;
        }

        private bool Match(string word)
        {
            if (string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0)
            {
                int end = _pos + word.Length;
                if (end == _text.Length || !char.IsAsciiLetterOrDigit(_text[end]))
                {
                    _pos = end;
                    return true;
                }
            }

            return false;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"'{c}'");
            }

            _pos++;
        }

        private readonly char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

        private void SkipSpace()
        {
            while (_pos < _text.Length && _text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        private readonly InvalidDataException Error(string expected)
        {
            string found = _pos < _text.Length ? $"'{_text[_pos]}' at offset {_pos}" : "the end of the header";
            return NpyHeader.Invalid(_path, "header", $"{expected} (the header must be a Python dict literal)", found);
        }
    }
}
