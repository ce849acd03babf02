namespace EasySpace.Core;

/// <summary>
/// An address of this box that answers in-process: the request inbox (<c>{public address}/inbox/{token}</c>). Webhooks
/// accept it as a target and deliver to it without dialling, so it works where the guard refuses the box's own private
/// address. Webhooks learns of it here without knowing the inbox.
/// </summary>
public interface IBuiltInReceiver
{
    /// <summary>True only for exactly <c>{public address}/inbox/{token of an existing inbox}</c>, as typed.</summary>
    bool Accepts(Uri url);

    /// <summary>
    /// Takes the request when its address is <c>{public address}/inbox/{token}</c> and answers it (200 stored, 404 no such
    /// inbox); null for every other address, which then goes out through the guard unchanged.
    /// </summary>
    Task<HttpResponseMessage?> AnswerAsync(HttpRequestMessage request, CancellationToken ct);
}
