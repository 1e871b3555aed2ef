using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.Data.Sqlite;

namespace PrivateFlows.Benchmarks.Peer;

/// <summary>
/// A durable MassTransit saga repository on SQLite (MassTransit.EntityFrameworkCore is not served by the package
/// feed): one transaction per consumed message — load the saga row, run the state machine, insert/update/delete
/// the row and record the messages it sent — committed before the message is acknowledged. WAL mode and the
/// same synchronous setting as the PrivateFlows store. BEGIN IMMEDIATE serialises writers (pessimistic, like the
/// EF Core repository's row lock), so concurrent messages for one customer cannot lose an update.
/// </summary>
public sealed class SqliteSagaRepository :
    ISagaRepositoryContextFactory<OnboardingState>,
    IQuerySagaRepositoryContextFactory<OnboardingState>,
    ILoadSagaRepositoryContextFactory<OnboardingState>
{
    private static readonly JsonSerializerOptions Json = new();
    private readonly string _connectionString;
    private readonly ISagaConsumeContextFactory<Database, OnboardingState> _factory = new SagaConsumeContextFactory<Database, OnboardingState>();
    private long _transactions;

    public SqliteSagaRepository(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 60 }.ToString();
        using var connection = Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS onboarding_sagas (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS saga_messages (effect_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, channel TEXT NOT NULL, template TEXT NOT NULL, body TEXT NOT NULL);
            """;
        setup.ExecuteNonQuery();
    }

    public long Transactions => Interlocked.Read(ref _transactions);

    public ISagaRepository<OnboardingState> Repository() => new SagaRepository<OnboardingState>(this, this, this);

    public long Count(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public void Probe(ProbeContext context) => context.Add("persistence", "sqlite");

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<OnboardingState, T>> next)
        where T : class
    {
        await using var database = Database.Begin(Open());
        await next.Send(new RepositoryContext<T>(database, context, _factory)).ConfigureAwait(false);
        database.Commit();
        Interlocked.Increment(ref _transactions);
    }

    public Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<OnboardingState> query, IPipe<SagaRepositoryQueryContext<OnboardingState, T>> next)
        where T : class => throw new NotSupportedException("the onboarding saga correlates by id only");

    public async Task<T> Execute<T>(Func<LoadSagaRepositoryContext<OnboardingState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var database = Database.Begin(Open());
        var result = await asyncMethod(new LoadContext(database, cancellationToken)).ConfigureAwait(false);
        database.Commit();
        return result;
    }

    public Task<T> Execute<T>(Func<QuerySagaRepositoryContext<OnboardingState>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class => throw new NotSupportedException("the onboarding saga correlates by id only");

    /// <summary>One connection in one immediate transaction.</summary>
    public sealed class Database : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private bool _committed;

        private Database(SqliteConnection connection)
        {
            _connection = connection;
            _transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
        }

        public static Database Begin(SqliteConnection connection) => new(connection);

        public OnboardingState? Load(Guid id)
        {
            using var command = Command("SELECT version, state FROM onboarding_sagas WHERE id = $id", ("$id", id.ToString("N")));
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            var saga = JsonSerializer.Deserialize<OnboardingState>(reader.GetString(1), Json)!;
            saga.Version = reader.GetInt32(0);
            return saga;
        }

        public void Insert(OnboardingState saga)
        {
            using var command = Command("INSERT INTO onboarding_sagas (id, version, state) VALUES ($id, 1, $state)", ("$id", saga.CorrelationId.ToString("N")), ("$state", JsonSerializer.Serialize(saga, Json)));
            command.ExecuteNonQuery();
            saga.Version = 1;
            Flush(saga);
        }

        public void Update(OnboardingState saga)
        {
            using var command = Command("UPDATE onboarding_sagas SET version = version + 1, state = $state WHERE id = $id AND version = $version",
                ("$id", saga.CorrelationId.ToString("N")), ("$state", JsonSerializer.Serialize(saga, Json)), ("$version", saga.Version));
            if (command.ExecuteNonQuery() != 1) throw new SagaException("the saga changed underneath", typeof(OnboardingState), saga.CorrelationId);
            saga.Version++;
            Flush(saga);
        }

        public void Delete(OnboardingState saga)
        {
            using var command = Command("DELETE FROM onboarding_sagas WHERE id = $id", ("$id", saga.CorrelationId.ToString("N")));
            command.ExecuteNonQuery();
            Flush(saga);
        }

        private void Flush(OnboardingState saga)
        {
            foreach (var m in saga.Outbox)
            {
                using var command = Command("INSERT INTO saga_messages (effect_id, customer_id, channel, template, body) VALUES ($id, $customer, $channel, $template, $body) ON CONFLICT DO NOTHING",
                    ("$id", m.EffectId), ("$customer", saga.CustomerId), ("$channel", m.Channel), ("$template", m.Template), ("$body", m.Body));
                command.ExecuteNonQuery();
            }

            saga.Outbox.Clear();
        }

        private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
        {
            var command = _connection.CreateCommand();
            command.Transaction = _transaction;
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            return command;
        }

        public void Commit()
        {
            _transaction.Commit();
            _committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed) _transaction.Rollback();
            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class RepositoryContext<T>(Database database, ConsumeContext<T> consumeContext, ISagaConsumeContextFactory<Database, OnboardingState> factory) :
        ConsumeContextScope<T>(consumeContext, database),
        SagaRepositoryContext<OnboardingState, T>
        where T : class
    {
        private readonly ConsumeContext<T> _context = consumeContext;

        public Task<SagaConsumeContext<OnboardingState, TMessage>> CreateSagaConsumeContext<TMessage>(ConsumeContext<TMessage> consumeContext, OnboardingState instance, SagaConsumeContextMode mode)
            where TMessage : class => factory.CreateSagaConsumeContext(database, consumeContext, instance, mode);

        public Task<SagaConsumeContext<OnboardingState, T>> Add(OnboardingState instance) => factory.CreateSagaConsumeContext(database, _context, instance, SagaConsumeContextMode.Add);

        public async Task<SagaConsumeContext<OnboardingState, T>> Insert(OnboardingState instance)
        {
            database.Insert(instance);
            return await factory.CreateSagaConsumeContext(database, _context, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
        }

        public async Task<SagaConsumeContext<OnboardingState, T>> Load(Guid correlationId)
        {
            var instance = database.Load(correlationId);
            return instance is null ? null! : await factory.CreateSagaConsumeContext(database, _context, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
        }

        public Task Save(SagaConsumeContext<OnboardingState> context)
        {
            database.Insert(context.Saga);
            return Task.CompletedTask;
        }

        public Task Update(SagaConsumeContext<OnboardingState> context)
        {
            database.Update(context.Saga);
            return Task.CompletedTask;
        }

        public Task Delete(SagaConsumeContext<OnboardingState> context)
        {
            database.Delete(context.Saga);
            return Task.CompletedTask;
        }

        public Task Discard(SagaConsumeContext<OnboardingState> context) => Task.CompletedTask;

        public Task Undo(SagaConsumeContext<OnboardingState> context) => Task.CompletedTask;
    }

    private sealed class LoadContext(Database database, CancellationToken cancellationToken) : MassTransit.Middleware.BasePipeContext(cancellationToken), LoadSagaRepositoryContext<OnboardingState>
    {
        public Task<OnboardingState> Load(Guid correlationId) => Task.FromResult(database.Load(correlationId)!);
    }
}
