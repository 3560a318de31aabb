namespace KubeAgents.Domain.Notifications;

/// <summary>
/// Shell-style patterns for route filters: <c>*</c> matches any run of characters (<c>/</c> included),
/// <c>?</c> one character, anything else itself (ordinal, case-sensitive). No pattern matches everything.
/// </summary>
public static class Glob
{
    public static bool IsMatch(string? pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrEmpty(pattern))
        {
            return true;
        }

        // Greedy with one backtrack point per star: linear in practice, never exponential.
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
