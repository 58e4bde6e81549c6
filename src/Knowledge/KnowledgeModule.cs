using Hotline.Knowledge.Articles;
using Hotline.Knowledge.Search;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Knowledge;

/// <summary>Knowledge's public surface: the knowledge base (articles with versions); search comes with its index.</summary>
public static class KnowledgeModule
{
    /// <summary>
    /// Registers Knowledge: its tables, and the search index <c>Hotline:Search</c> chooses — the embedded one at the file
    /// <paramref name="indexPath"/> gives (the default), or an Elasticsearch cluster.
    /// </summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services, IConfiguration configuration,
        Action<IServiceProvider, DbContextOptionsBuilder> configureDatabase, Func<IServiceProvider, string> indexPath)
    {
        services.AddDbContext<KnowledgeDbContext>(configureDatabase);
        services.AddOptions<SearchOptions>().Bind(configuration.GetSection(SearchOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SearchOptions>, SearchOptionsValidation>();
        // Chosen when first needed, from the final configuration, so test hosts and command-line overrides apply.
        services.AddSingleton<ISearchIndex>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SearchOptions>>().Value;
            return options.Provider switch
            {
                SearchProvider.Sqlite => new SqliteSearchIndex(indexPath(sp)),
                SearchProvider.Elasticsearch => new ElasticsearchSearchIndex(options.Elasticsearch),
                _ => throw new InvalidOperationException($"{SearchOptions.SectionName}:Provider {options.Provider} is not supported."),
            };
        });
        services.AddSingleton<ArticleIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<ArticleIndexer>());
        return services;
    }

    /// <param name="app">The host.</param>
    /// <param name="staffRoles">Every staff role (the host owns the list).</param>
    /// <param name="citizenRateLimitPolicy">
    /// The host's limit for anonymous endpoints, applied to the citizens' search and reading: each search runs a full-text query,
    /// so an unlimited anonymous endpoint is the cheapest way to load the index.
    /// </param>
    public static IEndpointRouteBuilder MapKnowledgeEndpoints(this IEndpointRouteBuilder app, string[] staffRoles, string? citizenRateLimitPolicy = null)
    {
        app.MapGroup("/api/knowledge").WithTags("知识库").RequireAuthorization(p => p.RequireRole(staffRoles)).MapArticles().MapStaffSearch();
        var citizen = app.MapGroup("/api/citizen").WithTags("市民服务").AllowAnonymous();
        if (citizenRateLimitPolicy is not null)
        {
            citizen.RequireRateLimiting(citizenRateLimitPolicy);
        }
        citizen.MapCitizenSearch().MapCitizenArticles();
        return app;
    }

    /// <summary>
    /// Creates or upgrades Knowledge's tables, and brings the search index in line with them — or, when the index is
    /// unavailable, leaves that to <paramref name="indexer"/>'s retries, so the host starts without it.
    /// </summary>
    public static async Task MigrateAsync(KnowledgeDbContext db, ArticleIndexer indexer, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await indexer.ReconcileAsync(db, ct);
    }
}

/// <summary>
/// The knowledge base, dispatch catalogue and search index (issue 4). For now it holds the Chinese text analysis that search and
/// duplicate detection share.
/// </summary>
public static class ChineseText
{
    /// <summary>
    /// Character bigrams of each run of CJK ideographs, and lower-cased runs of letters/digits, as Elasticsearch's <c>cjk</c>
    /// analyzer produces them. A single ideograph on its own is kept as a unigram so one-character queries still match.
    /// </summary>
    public static IEnumerable<string> Bigrams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        while (i < text.Length)
        {
            if (IsIdeograph(text[i]))
            {
                var start = i;
                while (i < text.Length && IsIdeograph(text[i]))
                {
                    i++;
                }
                if (i - start == 1)
                {
                    yield return text.Substring(start, 1);
                }
                for (var j = start; j + 1 < i; j++)
                {
                    yield return text.Substring(j, 2);
                }
            }
            else if (char.IsLetterOrDigit(text[i]))
            {
                var start = i;
                while (i < text.Length && char.IsLetterOrDigit(text[i]) && !IsIdeograph(text[i]))
                {
                    i++;
                }
                yield return text[start..i].ToLowerInvariant();
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>
    /// Every ideograph on its own, in order. Search scores them lightly beside the bigrams: they let "噪音" meet "噪声" half-way
    /// when no bigram is shared, and answer one-character queries.
    /// </summary>
    public static IEnumerable<string> Unigrams(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (IsIdeograph(c))
            {
                yield return c.ToString();
            }
        }
    }

    /// <summary>CJK Unified Ideographs and Extension A: the characters analysed as Chinese.</summary>
    public static bool IsIdeograph(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';
}
