/**
 * A stand-in for AWS STS on 127.0.0.1, so that `terraform plan` runs with the
 * real AWS provider and no account: it answers GetCallerIdentity (which the
 * provider and `data "aws_caller_identity"` call) with a fixed identity, and
 * records every request, so a test can say which other AWS calls a plan made.
 * Anything else gets an error the provider reports by name.
 */
import { createServer, type Server } from 'node:http';

export interface FakeSts {
  /** "http://127.0.0.1:<port>", for the provider's `endpoints { sts = ... }`. */
  url: string;
  /** The account id every GetCallerIdentity answer carries. */
  accountId: string;
  /** The Action of every request received, in order. */
  actions: string[];
  close(): Promise<void>;
}

const identityXml = (accountId: string) => `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${accountId}:user/offline-plan</Arn>
    <UserId>AIDAOFFLINEPLAN00000</UserId>
    <Account>${accountId}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;

const errorXml = (action: string) => `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>InvalidAction</Code>
    <Message>The offline STS stand-in answers GetCallerIdentity only, not ${action || 'this request'}.</Message>
  </Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>
`;

/** Starts the stand-in on a port the OS picks. */
export async function startFakeSts(accountId = '123456789012'): Promise<FakeSts> {
  const actions: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      // The AWS query protocol: the action is a form field of the body (or of the query string).
      const body = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
      const action = body.get('Action') ?? query.get('Action') ?? '';
      actions.push(action);
      const ok = action === 'GetCallerIdentity';
      response.writeHead(ok ? 200 : 400, { 'content-type': 'text/xml' });
      response.end(ok ? identityXml(accountId) : errorXml(action));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    accountId,
    actions,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
