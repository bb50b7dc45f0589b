import { compile } from '@intlify/core-base';
import type { MessageCompiler, MessageContext } from 'vue-i18n';

/** What makes a message more than its text: placeholders {…}, linked messages @:…, plural cases |, % literals. */
const SYNTAX = /[{}@|%]/;

/**
 * vue-i18n compiles each message the first time a page load uses it, and that took about a tenth of
 * the session page's main thread on a warm load. Most of the console's messages are plain text, which
 * needs no parsing: asked for as text (as `t()` does), such a message answers itself. Everything
 * else, and a plain message asked for in another form (the `<i18n-t>` component's), goes to
 * vue-i18n's own compiler.
 */
export const messageCompiler: MessageCompiler = (message, context) => {
  if (typeof message !== 'string' || SYNTAX.test(message)) return compile(message, context);
  // vue-i18n's compiler keeps what it compiled, by message
  return (ctx: MessageContext) => (ctx.type === 'text' ? message : compile(message, context)(ctx));
};
