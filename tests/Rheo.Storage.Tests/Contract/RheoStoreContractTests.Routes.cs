namespace Rheo.Storage.Tests.Contract;

public abstract partial class RheoStoreContractTests
{
    [Fact]
    public async Task An_unknown_application_has_no_routes()
    {
        var routes = await Store.GetRoutesAsync("nowhere", Ct);

        Assert.Empty(routes);
    }

    [Fact]
    public async Task A_route_change_creates_the_route_with_its_groups()
    {
        var groups = new Dictionary<long, string> { [1] = """{"g":1}""", [2] = """{"g":2}""" };

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 3, groups, integrity: "fingerprint"));

        var route = await SingleRouteAsync("app", "r");
        Assert.Equal(("fingerprint", 3L), (route.Integrity, route.NextGroupId));
        AssertGroups(groups, route);
    }

    [Fact]
    public async Task A_route_without_groups_reads_back_with_none()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 1));

        var route = await SingleRouteAsync("app", "r");

        Assert.Empty(route.Groups);
        Assert.Equal(1, route.NextGroupId);
    }

    [Fact]
    public async Task A_later_change_upserts_and_deletes_groups_and_keeps_the_others()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 4, new Dictionary<long, string> { [1] = "one", [2] = "two", [3] = "three" }));

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 5, new Dictionary<long, string> { [2] = "two v2", [4] = "four" }, deletes: [3]));

        AssertGroups(new Dictionary<long, string> { [1] = "one", [2] = "two v2", [4] = "four" }, await SingleRouteAsync("app", "r"));
    }

    [Fact]
    public async Task Deleting_a_group_that_does_not_exist_changes_nothing_else()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "one" }));

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 2, deletes: [7]));

        AssertGroups(new Dictionary<long, string> { [1] = "one" }, await SingleRouteAsync("app", "r"));
    }

    [Fact]
    public async Task A_reset_drops_the_old_groups_before_the_upserts()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 3, new Dictionary<long, string> { [1] = "one", [2] = "two" }));

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "fresh" }, reset: true, integrity: "i2"));

        var route = await SingleRouteAsync("app", "r");
        AssertGroups(new Dictionary<long, string> { [1] = "fresh" }, route);
        Assert.Equal(("i2", 2L), (route.Integrity, route.NextGroupId));
    }

    [Fact]
    public async Task A_route_change_replaces_integrity_and_next_group_id()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "one" }, integrity: "old"));

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 9, integrity: "new"));

        var route = await SingleRouteAsync("app", "r");
        Assert.Equal(("new", 9L), (route.Integrity, route.NextGroupId));
        AssertGroups(new Dictionary<long, string> { [1] = "one" }, route);
    }

    [Fact]
    public async Task A_change_of_one_route_leaves_the_other_routes_alone()
    {
        await CommitAsync("app", b =>
        {
            b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "r1" });
            b.Routes["s"] = Route("s", 2, new Dictionary<long, string> { [1] = "s1" });
        });

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 3, new Dictionary<long, string> { [2] = "r2" }, reset: true));

        AssertGroups(new Dictionary<long, string> { [1] = "s1" }, await SingleRouteAsync("app", "s"));
        AssertGroups(new Dictionary<long, string> { [2] = "r2" }, await SingleRouteAsync("app", "r"));
    }

    [Fact]
    public async Task A_deleted_route_disappears_with_its_groups()
    {
        await CommitAsync("app", b =>
        {
            b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "r1" });
            b.Routes["s"] = Route("s", 2, new Dictionary<long, string> { [1] = "s1" });
        });

        await CommitAsync("app", b => b.DeletedRoutes.Add("r"));

        var route = Assert.Single(await Store.GetRoutesAsync("app", Ct));
        Assert.Equal("s", route.RouteId);
    }

    [Fact]
    public async Task A_route_deleted_and_created_again_starts_without_its_old_groups()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 3, new Dictionary<long, string> { [1] = "one", [2] = "two" }));
        await CommitAsync("app", b => b.DeletedRoutes.Add("r"));

        await CommitAsync("app", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [5] = "five" }));

        AssertGroups(new Dictionary<long, string> { [5] = "five" }, await SingleRouteAsync("app", "r"));
    }

    [Fact]
    public async Task Deleting_and_changing_a_route_in_one_batch_keeps_only_the_change()
    {
        await CommitAsync("app", b => b.Routes["r"] = Route("r", 3, new Dictionary<long, string> { [1] = "one", [2] = "two" }));

        await CommitAsync("app", b =>
        {
            b.DeletedRoutes.Add("r");
            b.Routes["r"] = Route("r", 4, new Dictionary<long, string> { [3] = "three" });
        });

        AssertGroups(new Dictionary<long, string> { [3] = "three" }, await SingleRouteAsync("app", "r"));
    }

    [Fact]
    public async Task Routes_of_applications_are_isolated()
    {
        await CommitAsync("one", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "one's" }));
        await CommitAsync("two", b => b.Routes["r"] = Route("r", 2, new Dictionary<long, string> { [1] = "two's" }));

        await CommitAsync("two", b => b.DeletedRoutes.Add("r"));

        AssertGroups(new Dictionary<long, string> { [1] = "one's" }, await SingleRouteAsync("one", "r"));
        Assert.Empty(await Store.GetRoutesAsync("two", Ct));
    }
}
