import {
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { cognitoUserSessions } from "../../../lambdas/adapters/user-sessions";
import { DependencyUnavailableError } from "../../../lambdas/domain/enrollment/ports";

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());
const client = () => new CognitoIdentityProviderClient({ region: "ca-central-1" });
const failure = (name: string) => Object.assign(new Error(name), { name });

describe("cognitoUserSessions", () => {
  it("signs the user out everywhere with AdminUserGlobalSignOut on the stage's pool", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await cognitoUserSessions(client(), "ca-central-1_Pool1").signOutEverywhere("a@example.com");
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand).map((c) => c.args[0].input)).toEqual([
      { UserPoolId: "ca-central-1_Pool1", Username: "a@example.com" },
    ]);
  });

  it("a user already gone has no session left: done", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(failure("UserNotFoundException"));
    await expect(
      cognitoUserSessions(client(), "p").signOutEverywhere("a@example.com"),
    ).resolves.toBeUndefined();
  });

  it("throttling is a 503 to retry, not a 500", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(failure("TooManyRequestsException"));
    await expect(
      cognitoUserSessions(client(), "p").signOutEverywhere("a@example.com"),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  it("the emulator's Unsupported is let through on the local stack only", async () => {
    cognito.on(AdminUserGlobalSignOutCommand).rejects(failure("Unsupported"));
    await expect(
      cognitoUserSessions(client(), "p", { emulator: true }).signOutEverywhere("a@example.com"),
    ).resolves.toBeUndefined();
    await expect(cognitoUserSessions(client(), "p").signOutEverywhere("a@example.com")).rejects.toThrow(
      "Unsupported",
    );
  });
});
