using System.Diagnostics;
using System.Globalization;

namespace KubeAgents.TestSupport;

/// <summary>
/// A small tmpfs of its own, mounted for one test and unmounted after: a real file system that
/// fills up or turns read-only. Needs root (CI runs as root); a mount that fails fails the test.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    /// <param name="kilobytes">The file system's size.</param>
    /// <param name="readOnly">Mounted read-only from the start.</param>
    public static TmpfsMount Create(int kilobytes, bool readOnly = false)
    {
        var path = Directory.CreateTempSubdirectory("kubeagents-tmpfs-").FullName;
        var options = string.Create(CultureInfo.InvariantCulture, $"size={kilobytes}k{(readOnly ? ",ro" : string.Empty)}");
        Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        return new TmpfsMount(path);
    }

    /// <summary>Writes a file until the file system has no block left.</summary>
    public void Fill()
    {
        var block = new byte[4096];
        using var filler = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Append, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush();
            }
        }
        catch (IOException)
        {
            // No space left on device: full, as intended.
        }
    }

    /// <summary>Gives back what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(System.IO.Path.Combine(Path, "filler"));

    public void Dispose()
    {
        Run("umount", "--lazy", Path);
        Directory.Delete(Path);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{program} did not start");
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode} (these tests need root): {errors}");
        }
    }
}
