using Microsoft.AspNetCore.Http.HttpResults;

namespace PrivateFlows.Host.Api;

/// <summary>RFC 9457 problem responses (<c>application/problem+json</c>) used by the API.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);

    public static ProblemHttpResult Conflict(string title, string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: title);
}
