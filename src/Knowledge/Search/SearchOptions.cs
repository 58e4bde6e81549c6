using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hotline.Knowledge.Search;

/// <summary>Which search index the knowledge base uses.</summary>
public enum SearchProvider
{
    /// <summary>The embedded index: a SQLite file in the data folder (<see cref="SqliteSearchIndex"/>).</summary>
    Sqlite,

    /// <summary>An Elasticsearch cluster reached over its REST API (<see cref="ElasticsearchSearchIndex"/>).</summary>
    Elasticsearch,
}

/// <summary>The Chinese analyzer an Elasticsearch index is created with.</summary>
public enum ChineseAnalyzer
{
    /// <summary>The best the cluster offers: <see cref="Ik"/> or <see cref="Smartcn"/> when every node has the plugin, else <see cref="Cjk"/>.</summary>
    Auto,

    /// <summary>Elasticsearch's built-in <c>cjk</c> analyzer: overlapping character bigrams, as the embedded index uses.</summary>
    Cjk,

    /// <summary>The <c>smartcn</c> analyzer of the <c>analysis-smartcn</c> plugin (word segmentation by a hidden Markov model).</summary>
    Smartcn,

    /// <summary>The <c>analysis-ik</c> plugin: <c>ik_max_word</c> when indexing, <c>ik_smart</c> when searching.</summary>
    Ik,
}

/// <summary><c>Hotline:Search</c>: the search index behind the knowledge base.</summary>
public sealed class SearchOptions
{
    public const string SectionName = "Hotline:Search";

    /// <summary><see cref="SearchProvider.Sqlite"/> (default) or <see cref="SearchProvider.Elasticsearch"/>.</summary>
    public SearchProvider Provider { get; set; } = SearchProvider.Sqlite;

    /// <summary>
    /// While the index could not be written (the cluster was down), how often to try again to bring it in line with the articles
    /// table.
    /// </summary>
    [Range(1, 3600)]
    public int RetrySeconds { get; set; } = 30;

    public ElasticsearchOptions Elasticsearch { get; set; } = new();

    /// <summary>The problems with these settings, one message per problem; Elasticsearch settings are checked only when it is used.</summary>
    public IEnumerable<string> Validate() =>
        Provider == SearchProvider.Elasticsearch ? Elasticsearch.Validate() : [];
}

/// <summary><c>Hotline:Search:Elasticsearch</c>: where the cluster is, which alias to use, how to sign in.</summary>
public sealed partial class ElasticsearchOptions
{
    public const string SectionName = "Hotline:Search:Elasticsearch";

    /// <summary>The cluster's address, e.g. <c>http://127.0.0.1:9200</c> or <c>https://es.city.gov.cn:9200</c>.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// The alias Hotline reads and writes through. Its indices are named <c>{Index}-000001</c>, <c>{Index}-000002</c>…; a reindex
    /// fills the next one and moves the alias.
    /// </summary>
    public string Index { get; set; } = "hotline-knowledge";

    /// <summary>An API key in its encoded form (the <c>encoded</c> field Elasticsearch returns), sent as <c>Authorization: ApiKey …</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>User for HTTP Basic authentication, with <see cref="Password"/> (instead of <see cref="ApiKey"/>).</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one request may take before the cluster counts as unavailable.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>The analyzer new indices are created with (<see cref="ChineseAnalyzer.Auto"/>: detected from the cluster's plugins).</summary>
    public ChineseAnalyzer Analyzer { get; set; } = ChineseAnalyzer.Auto;

    /// <summary>Replicas of the index's one shard; 0 on a single-node cluster keeps its health green.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>The problems with these settings, one message per problem.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            yield return $"{SectionName}:Url '{Url}' must be an absolute http(s) URL such as http://127.0.0.1:9200.";
        }
        else if (url.UserInfo.Length > 0)
        {
            yield return $"{SectionName}:Url must not carry credentials; set {SectionName}:UserName and Password, or ApiKey.";
        }
        if (!IndexNamePattern().IsMatch(Index ?? ""))
        {
            yield return $"{SectionName}:Index '{Index}' must be 1–200 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit.";
        }
        if (!string.IsNullOrEmpty(ApiKey) && (!string.IsNullOrEmpty(UserName) || !string.IsNullOrEmpty(Password)))
        {
            yield return $"{SectionName}: set either ApiKey or UserName and Password, not both.";
        }
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            yield return $"{SectionName}: UserName and Password go together.";
        }
        if (TimeoutSeconds is < 0.1 or > 600)
        {
            yield return $"{SectionName}:TimeoutSeconds must be between 0.1 and 600.";
        }
        if (Replicas is < 0 or > 10)
        {
            yield return $"{SectionName}:Replicas must be between 0 and 10.";
        }
        if (!Enum.IsDefined(Analyzer))
        {
            yield return $"{SectionName}:Analyzer must be Auto, Cjk, Smartcn or Ik.";
        }
    }

    // Elasticsearch's own rules are looser (no upper case, none of \/*?"<>| ,#:, no leading -_+); this keeps names obvious.
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,199}$")]
    private static partial Regex IndexNamePattern();
}

/// <summary>Start-up validation of <see cref="SearchOptions"/>, with every problem named.</summary>
internal sealed class SearchOptionsValidation : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
