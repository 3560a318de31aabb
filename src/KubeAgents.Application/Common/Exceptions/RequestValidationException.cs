namespace KubeAgents.Application.Common.Exceptions;

/// <summary>A request broke the contract's rules; the Api answers 400 <c>bad_request</c> with the messages. Nothing was changed.</summary>
public sealed class RequestValidationException : Exception
{
    public RequestValidationException()
        : this([])
    {
    }

    public RequestValidationException(string message)
        : this([message])
    {
    }

    public RequestValidationException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public RequestValidationException(IReadOnlyList<string> errors)
        : base(string.Join("; ", errors)) => Errors = errors;

    /// <summary>Each broken rule, naming the field by its wire name; no duplicates.</summary>
    public IReadOnlyList<string> Errors { get; }
}
