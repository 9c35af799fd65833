using System.Data;
using Dapper;

namespace Todo.Api.Todos;

public class TodoQueries(IDbConnection connection)
{
    public async Task<IEnumerable<TodoItem>> LatestAsync() =>
        await connection.QueryAsync<TodoItem>("""SELECT "Id", "Title", "Done" FROM "Todos" ORDER BY "Id" DESC LIMIT 50""");
}
