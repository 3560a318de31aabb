using System.Drawing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace KubeAgents.Dashboard.BrowserTests;

/// <summary>
/// Debian's headless chromium through its chromedriver (nothing is downloaded). Absent binaries skip
/// the test with the reason, or fail it when <see cref="RequireVariable"/> is 1 (CI).
/// </summary>
public sealed class Browser : IDisposable
{
    public const string RequireVariable = "KUBEAGENTS_REQUIRE_BROWSER";
    public const string ScreenshotsVariable = "KUBEAGENTS_SCREENSHOTS";

    private static readonly string[] ChromiumPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    private static readonly string[] DriverPaths = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    /// <summary>Where screenshots go: <c>KUBEAGENTS_SCREENSHOTS</c>, else <c>artifacts/screenshots</c> at the repository root.</summary>
    public static string ScreenshotFolder
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(ScreenshotsVariable);
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "KubeAgents.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        }
    }

    public static Browser StartOrSkip(int width = 1280, int height = 900)
    {
        var chromium = Environment.GetEnvironmentVariable("KUBEAGENTS_CHROMIUM") ?? ChromiumPaths.FirstOrDefault(File.Exists);
        var driver = Environment.GetEnvironmentVariable("KUBEAGENTS_CHROMEDRIVER") ?? DriverPaths.FirstOrDefault(File.Exists);
        if (chromium is null || driver is null)
        {
            var reason = "chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                throw new InvalidOperationException($"{RequireVariable}=1 but {reason}");
            }

            Skip.If(true, reason);
        }

        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", $"--window-size={width},{height}", "--lang=en-US");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var chrome = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        chrome.Manage().Window.Size = new Size(width, height);
        return new Browser(chrome);
    }

    /// <summary>Saves a PNG of the page as <paramref name="name"/>.png in <see cref="ScreenshotFolder"/>.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Polls until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/> naming what was awaited.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (WebDriverException)
            {
                // The element was replaced by a live update meanwhile: look again.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}");
            }

            await Task.Delay(50);
        }
    }

    public object? Script(string script, params object[] args) => Driver.ExecuteScript(script, args);

    /// <summary>
    /// One attribute of every element matching <paramref name="css"/>, read in one script: a live update
    /// may replace the elements between two WebDriver calls (a stale element reference).
    /// </summary>
    public List<string?> AttributeOfAll(string css, string attribute) =>
        [.. ((IEnumerable<object?>)Script("return Array.from(document.querySelectorAll(arguments[0]), e => e.getAttribute(arguments[1]));", css, attribute)!).Cast<string?>()];

    /// <summary>Emulates the system's colour scheme (<c>prefers-color-scheme</c>) through the DevTools protocol.</summary>
    public void ColorScheme(string scheme) =>
        Driver.ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object?>
        {
            ["features"] = new[] { new Dictionary<string, object> { ["name"] = "prefers-color-scheme", ["value"] = scheme } },
        });

    /// <summary>The live marker's state: connecting, live, reconnecting or stopped.</summary>
    public string LiveState() => Driver.FindElement(OpenQA.Selenium.By.Id("live-state")).GetAttribute("data-state") ?? string.Empty;

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
