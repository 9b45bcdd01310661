namespace WindowDataset.Formats.Codecs;

/// <summary>
/// The BloscLZ decompressor of c-blosc 1.21 (<c>blosclz_decompress</c>), ported: an LZ77 variant with literal runs of
/// up to 32 bytes and matches at 13-bit or (with the escape) 16-bit distances. Every read and write is bounds-checked.
/// </summary>
internal static class BloscLz
{
    private const int MaxDistance = 8191;

    /// <summary>Decodes <paramref name="input"/> into <paramref name="output"/>; returns the bytes written, or -1 for a corrupt stream.</summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int length = input.Length;
        int maxOut = output.Length;
        if (length == 0)
        {
            return 0;
        }

        int ip = 0;
        int op = 0;
        uint ctrl = input[ip++] & 31u;
        while (true)
        {
            if (ctrl >= 32)
            {
                // A match: (len - 1) in the top 3 bits, the distance's high 5 bits in the low 5.
                long len = (ctrl >> 5) - 1;
                int ofs = (int)(ctrl & 31u) << 8;
                byte code;
                if (len == 7 - 1)
                {
                    do
                    {
                        if (ip + 1 >= length)
                        {
                            return -1;
                        }

                        code = input[ip++];
                        len += code;
                        if (len > maxOut)
                        {
                            return -1;
                        }
                    }
                    while (code == 255);
                }
                else if (ip + 1 >= length)
                {
                    return -1;
                }

                code = input[ip++];
                len += 3;
                long reference = op - ofs - code;
                if (code == 255 && ofs == (31 << 8))
                {
                    if (ip + 1 >= length)
                    {
                        return -1;
                    }

                    ofs = input[ip++] << 8;
                    ofs += input[ip++];
                    reference = (long)op - ofs - MaxDistance;
                }

                if (op + len > maxOut || reference - 1 < 0)
                {
                    return -1;
                }

                // As c-blosc does: a stream that ends right after a match header drops the match (the size check then fails).
                if (ip >= length)
                {
                    break;
                }

                ctrl = input[ip++];
                reference--;
                int from = (int)reference;
                int count = (int)len;
                int distance = op - from;
                if (distance == 1)
                {
                    output.Slice(op, count).Fill(output[from]);
                }
                else if (distance >= count)
                {
                    output.Slice(from, count).CopyTo(output.Slice(op, count));
                }
                else
                {
                    // Overlapping match: copy in steps of the distance so every source byte is already written.
                    int done = 0;
                    while (done < count)
                    {
                        int step = Math.Min(distance, count - done);
                        output.Slice(from + done, step).CopyTo(output.Slice(op + done, step));
                        done += step;
                    }
                }

                op += count;
            }
            else
            {
                int run = (int)ctrl + 1;
                if (op + run > maxOut || ip + run > length)
                {
                    return -1;
                }

                input.Slice(ip, run).CopyTo(output.Slice(op, run));
                op += run;
                ip += run;
                if (ip >= length)
                {
                    break;
                }

                ctrl = input[ip++];
            }
        }

        return op;
    }
}
