namespace Hotline.Knowledge.Tests.Search.Elasticsearch;

/// <summary>
/// Elastic's own example bodies in <c>../shared/fixtures/elasticsearch</c> beside the repository (found by walking up from the
/// test binaries to the folder with Hotline.sln), read at test time and never copied into the repository. Its README says where
/// each body comes from.
/// </summary>
internal static class ElasticsearchFixtures
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    public static string Read(string name) => File.ReadAllText(Path.Combine(Folder.Value, name));

    private static string FindFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hotline.sln")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds Hotline.sln.");
        }
        var folder = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "fixtures", "elasticsearch"));
        return Directory.Exists(folder)
            ? folder
            : throw new DirectoryNotFoundException($"The Elasticsearch fixtures are missing: expected {folder} beside the repository.");
    }
}
