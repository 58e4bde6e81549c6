namespace Hotline.Console.Tests.Infrastructure;

/// <summary>A fresh directory under the system's temporary folder for one test class, deleted when the class is done.</summary>
public sealed class TempDirectory(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The full path of <paramref name="name"/> inside this directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process the test started may still hold a file; the system's temporary folder is cleaned eventually.
        }
    }
}
