namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>The stand-in could not do what was asked; the message carries the command and its output, passwords masked.</summary>
public sealed class MpgStandInException : Exception
{
    public MpgStandInException(string message)
        : base(message)
    {
    }

    public MpgStandInException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
