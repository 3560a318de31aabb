using KubeAgents.Application.Events;

namespace KubeAgents.UnitTests.Application;

public class ApiKeyRevocationsTests
{
    [Fact]
    public void A_revocation_cancels_every_watch_of_that_key_and_no_other()
    {
        var revocations = new ApiKeyRevocations();
        var first = revocations.Watch("aaaaaaaa");
        var second = revocations.Watch("aaaaaaaa");
        var other = revocations.Watch("bbbbbbbb");

        revocations.Revoked("aaaaaaaa");

        first.IsCancellationRequested.Should().BeTrue();
        second.IsCancellationRequested.Should().BeTrue();
        other.IsCancellationRequested.Should().BeFalse();
    }

    [Fact]
    public void A_watch_that_starts_after_the_revocation_is_cancelled_already()
    {
        var revocations = new ApiKeyRevocations();
        revocations.Revoked("aaaaaaaa");

        revocations.Watch("aaaaaaaa").IsCancellationRequested.Should().BeTrue("a stream authenticated just before the revocation must not outlive it");
        revocations.Watch("bbbbbbbb").IsCancellationRequested.Should().BeFalse();
    }
}
