using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KubeAgents.TestSupport.Contract;

namespace KubeAgents.TestSupport;

/// <summary>The built service (<c>KubeAgents.Api.dll</c>) run as its own process, as an operator runs it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="workingDirectory">Where the process starts; the API's own directory when null.</param>
    public static ServiceProcess Start(IDictionary<string, string?> environment, int? port = null, string? workingDirectory = null)
    {
        var apiDll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(apiDll)!,
        };
        info.ArgumentList.Add(apiDll);
        var chosenPort = port ?? FreePort();
        info.Environment["PORT"] = chosenPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DB_STARTUP_TIMEOUT"] = StartUpTimeout;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var service = new ServiceProcess(process, chosenPort);
        process.OutputDataReceived += (_, e) => service.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => service.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>
    /// Runs the service's binary with <paramref name="arguments"/> (a command such as <c>keys create</c>)
    /// to its end; stdout and stderr apart, as a script sees them.
    /// </summary>
    public static async Task<CommandResult> RunCommandAsync(IDictionary<string, string?> environment, params string[] arguments)
    {
        var apiDll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(apiDll)!,
        };
        info.ArgumentList.Add(apiDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DB_STARTUP_TIMEOUT"] = StartUpTimeout;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(MinimumStartUpWait);
        await process.WaitForExitAsync(timeout.Token);
        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// A client whose exchanges are checked against the committed OpenAPI document. Its timeout is a
    /// wait, not a bound (<see cref="MinimumStartUpWait"/>): a new process's first requests compile
    /// their code paths, which took over 10 s on a 2-core machine at load average 50.
    /// </summary>
    public HttpClient CreateClient() => new(new ContractValidatingHandler { InnerHandler = new HttpClientHandler() }) { BaseAddress = new Uri($"http://127.0.0.1:{Port}"), Timeout = MinimumStartUpWait };

    /// <summary>
    /// The least a start is waited for, whatever the caller asks: about 2 s on a quiet 2-core machine,
    /// over a minute beside other builds. A wait, not a performance bound: only a failing test waits it out.
    /// </summary>
    public static readonly TimeSpan MinimumStartUpWait = TimeSpan.FromMinutes(2);

    /// <summary>
    /// <c>DB_STARTUP_TIMEOUT</c> unless a test sets its own: the start-up wait, not the default 60 s, since
    /// even the embedded store's migrations took over 60 s at load average 78.
    /// </summary>
    private const string StartUpTimeout = "120s";

    /// <summary>Waits until /health answers; fails with the process output if it exits or never answers (within <see cref="MinimumStartUpWait"/> at least).</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = CreateClient();
        timeout = timeout < MinimumStartUpWait ? MinimumStartUpWait : timeout;
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"The service did not become healthy in {timeout}:\n{Output}");
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the service does.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends SIGKILL: a crash, nothing gets to run.</summary>
    public void KillHard() => Signal("KILL");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Collect(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

/// <summary>What a command of the service's binary printed, and how it exited.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Errors}";
}
