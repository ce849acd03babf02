using System.Security.Cryptography;

namespace EasySpace.Core.Identity;

public static class Passwords
{
    /// <summary>
    /// 20 random characters with every class Identity's rules ask for: the password of an account until its owner sets
    /// their own through an invitation or reset link.
    /// </summary>
    public static string Generate()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!#$%*+-=?@";
        const string all = lower + upper + digits + symbols;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            symbols[RandomNumberGenerator.GetInt32(symbols.Length)],
        };
        while (chars.Count < 20) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        // Shuffle, so the classes are not always in the same places.
        for (var i = chars.Count - 1; i > 0; i--)
        {
            var j = RandomNumberGenerator.GetInt32(i + 1);
            (chars[i], chars[j]) = (chars[j], chars[i]);
        }
        return new string([.. chars]);
    }
}
