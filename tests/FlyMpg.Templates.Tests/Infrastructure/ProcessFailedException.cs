namespace FlyMpg.Templates.Tests.Infrastructure;

public sealed class ProcessFailedException : Exception
{
    public ProcessFailedException(string message, ProcessResult? result, Exception? inner = null)
        : base(message, inner)
    {
        Result = result;
    }

    /// <summary>Null when the process never started.</summary>
    public ProcessResult? Result { get; }
}
