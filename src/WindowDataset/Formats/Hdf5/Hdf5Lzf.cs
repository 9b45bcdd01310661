namespace WindowDataset.Formats.Hdf5;

/// <summary>The LZF decompressor (liblzf's <c>lzf_decompress</c>), for h5py's filter 32000. Every read and write is bounds-checked.</summary>
internal static class Hdf5Lzf
{
    /// <summary>Decompresses <paramref name="input"/> into <paramref name="output"/>; returns the bytes written, or -1 when the stream is corrupt or does not fit.</summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0;
        int op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (run > output.Length - op || run > input.Length - ip)
                {
                    return -1;
                }

                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }

            int length = ctrl >> 5;
            int back = (ctrl & 0x1f) << 8;
            if (ip >= input.Length)
            {
                return -1;
            }

            if (length == 7)
            {
                length += input[ip++];
                if (ip >= input.Length)
                {
                    return -1;
                }
            }

            back += input[ip++];
            int reference = op - back - 1;
            length += 2;
            if (reference < 0 || length > output.Length - op)
            {
                return -1;
            }

            if (back + 1 >= length)
            {
                output.Slice(reference, length).CopyTo(output[op..]);
                op += length;
            }
            else
            {
                for (int i = 0; i < length; i++)
                {
                    output[op++] = output[reference++];
                }
            }
        }

        return op;
    }
}
