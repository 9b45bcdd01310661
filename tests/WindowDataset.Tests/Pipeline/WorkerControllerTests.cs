using WindowDataset.Pipeline;

namespace WindowDataset.Tests.Pipeline;

/// <summary>The controller's decisions from given intervals (no threads, no clock).</summary>
public sealed class WorkerControllerTests
{
    [Fact]
    public void Decide_ConsumerWaited_AddsOneWorkerPerIntervalUpToMax()
    {
        var c = new WorkerController(maxWorkers: 3, initialActive: 1);
        Assert.Equal(2, c.Decide(0.1, waitSeconds: 0.01, busySeconds: 0.1));
        Assert.Equal(3, c.Decide(0.1, waitSeconds: 0.01, busySeconds: 0.2));
        Assert.Equal(3, c.Decide(0.1, waitSeconds: 0.05, busySeconds: 0.3));
    }

    [Fact]
    public void Decide_FedConsumerAndIdleWorkers_ParksOneWorkerAfterTwoCalmIntervals()
    {
        var c = new WorkerController(maxWorkers: 4, initialActive: 4);
        Assert.Equal(4, c.Decide(0.1, 0, 0.01));
        Assert.Equal(3, c.Decide(0.1, 0, 0.01));
        Assert.Equal(3, c.Decide(0.1, 0, 0.01));
        Assert.Equal(2, c.Decide(0.1, 0, 0.01));
        Assert.Equal(2, c.Decide(0.1, 0, 0.01));
        Assert.Equal(1, c.Decide(0.1, 0, 0.01));
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(1, c.Decide(0.1, 0, 0));
        }
    }

    [Fact]
    public void Decide_WorkersBusyNearTheirCapacity_KeepsThem()
    {
        // Two workers busy 80% each: one alone could not do their work.
        var c = new WorkerController(maxWorkers: 2, initialActive: 2);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(2, c.Decide(0.1, 0, 0.16));
        }
    }

    [Fact]
    public void Decide_DecreaseUndone_WaitsLongerBeforeTheNextDecrease()
    {
        var c = new WorkerController(maxWorkers: 2, initialActive: 2);
        int Calm()
        {
            int intervals = 0;
            while (c.Active == 2 && intervals < 1000)
            {
                c.Decide(0.1, 0, 0.05);
                intervals++;
            }

            return intervals;
        }

        int first = Calm();
        Assert.Equal(1, c.Active);
        Assert.Equal(2, c.Decide(0.1, 0.02, 0.1)); // the consumer starved: back up at once
        int second = Calm();
        Assert.Equal(1, c.Active);
        Assert.True(second > first, $"{second} calm intervals after an undone decrease, {first} before");
    }

    [Fact]
    public void Decide_NeverBelowOneOrAboveMax()
    {
        var c = new WorkerController(maxWorkers: 2, initialActive: 9);
        Assert.Equal(2, c.Active);
        for (int i = 0; i < 50; i++)
        {
            Assert.InRange(c.Decide(0.1, i % 7 == 0 ? 0.5 : 0, 0), 1, 2);
        }
    }
}
