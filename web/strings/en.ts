/**
 * @module strings/en
 * Every word the widget shows a visitor, in English: the reference table. Another language is a
 * file of the same type (`WidgetStrings`); a site owner can also replace single entries through
 * the element's `strings` property. The routing figures and codes inside Details stay in English
 * on purpose (decision 031): they are what a site owner pastes into a bug report.
 */
import { promiseWords } from '../../core/decision/promise.js';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export const en = {
  // The conversation
  welcome: 'Ask anything.',
  welcomeLocal: 'Short, simple messages are answered right here on your device.',
  conversation: 'Conversation',
  /** Who said a message: shown when the site names the speakers, else read to screen readers only. */
  assistantName: 'Assistant',
  userName: 'You',
  suggested: 'Suggested messages',
  answeredHere: 'Answered on this device',
  answeredBy: (model: string) => `Answered by ${model}`,
  theServer: 'the server',
  tooLongHere: 'too long to answer on this device',
  details: 'Details',
  offlineLocalNote: 'Answered on this device while the server was out of reach — below your quality target.',
  droppedNote: (n: number) =>
    `The on-device model read only the latest part of this conversation (${n} earlier ${plural(n, 'message', 'messages')} did not fit).`,
  contextNote: 'Too long for the on-device model, so the server answered.',
  stoppedEmpty: 'Stopped before any text came.',
  emptyAnswer: 'The model returned no text for this message. Try rephrasing it.',
  cutOff: 'Cut off at the length limit.',
  stopped: 'Stopped.',
  copy: 'Copy',
  copied: 'Copied',
  copyCode: 'Copy code',
  copyFailed: 'Copy failed',
  copiedSaid: 'Copied to the clipboard.',
  copyFailedSaid: 'The browser did not allow copying.',
  askEdgeLater: 'Ask the server when back online',
  askLarger: 'Not good enough? Ask the larger model',
  continue: 'Continue',
  /** What Continue sends, as the visitor's message. */
  continuePrompt: 'Continue',
  askAgain: 'Ask again',
  askAgainLabel: 'Ask again: a new answer to your last message',
  edit: 'Edit',
  editLabel: 'Edit your last message',
  editSaid: 'Your last message is back in the message box.',
  waiting: 'Waiting for the model to be ready…',
  unsent: 'Not sent.',
  queued: 'Queued: it will be sent when the server can be reached.',
  cancel: 'Cancel',
  retry: 'Retry',
  somethingWrong: 'Something went wrong.',
  errors: {
    edge_unreachable: 'The server could not be reached.',
    edge_error: 'The server could not answer.',
    edge_cors_refused: 'This site is not allowed to use its chat server (a setting on the server).',
    edge_stream_error: 'The server’s answer broke off.',
    asset_unreachable: 'Part of the chat could not be downloaded.',
    context_window_exceeded: 'This message is too long for the on-device model. Please shorten it.',
    engine_not_ready: 'The on-device model is not available.',
    aborted: 'Loading was cancelled.',
    invalid_request: 'That request was not valid.',
  } as Record<string, string>,
  httpNotSignedIn: 'The server refused this chat: it is not signed in.',
  httpBusy: 'The server is busy with too many requests. Try again in a moment.',
  httpRefused: 'The server could not take this message.',
  httpFailed: 'The server had a problem answering. Try again in a moment.',
  httpOther: (status: number) => `The server could not answer (error ${status}).`,
  announceAnswer: (who: string, text: string) => `${who}: ${text}`,
  newMessages: 'New messages below ↓',

  // The message box
  yourMessage: 'Your message',
  placeholder: 'Type a message',
  send: 'Send',
  stop: 'Stop',
  typeFirst: 'Type a message first.',

  // Attached text files
  attach: 'Attach a text file',
  attachedFiles: 'Attached files',
  remove: 'Remove',
  removeFile: (name: string) => `Remove ${name}`,
  attachedSaid: (names: string) => (names ? `Attached: ${names}.` : 'No file attached.'),
  notText: (name: string) => `${name} is not a text file, so it was not attached.`,
  tooLarge: (name: string) => `${name} is too long to send with this message, so it was not attached.`,

  // The footer
  tallyLocal: (local: number, prompts: number) => `Answered on this device: ${local} of ${prompts}`,
  tallyTokens: (tokens: number) => `${tokens} tokens kept off the server`,
  tallySaved: (seconds: string) => `about ${seconds} s saved`,
  clear: 'Clear conversation',
  cleared: 'Conversation cleared.',
  undo: 'Undo',
  clearedSaid: 'Conversation cleared. Undo is in the footer for a few seconds.',
  restoredSaid: 'Conversation restored.',

  // Connectivity and storage
  offline: 'You are offline. Messages the device can answer are answered here; the others wait.',
  edgeUnreachable: 'The server cannot be reached right now.',
  waitingToSend: (n: number) => `${n} ${plural(n, 'message', 'messages')} waiting to be sent.`,
  tryNow: 'Try now',
  quarantined: (reason: string) => `a queued message could not be read and was set aside (${reason})`,
  newVersion: 'A new version is available.',
  reloadToUpdate: 'Reload to update',
  storageFull:
    'This browser has too little room left for this site, so the on-device model will be downloaded again next visit.',
  storageModel: 'This browser could not keep the on-device model, so it will be downloaded again next visit.',
  storageThresholds: 'This browser could not keep the answer settings, so they are fetched again next visit.',
  storageOther: 'This browser could not keep some files for next time.',

  // The status line
  loadsOnTyping: 'The on-device model loads when you start typing.',
  starting: 'Starting…',
  gettingReady: 'Getting the on-device model ready',
  progressOf: (percent: number, size: string) => `${percent}% of ${size}`,
  loadingLabel: 'Loading the on-device model',
  notReady: 'The on-device model is not ready (see below).',
  oneThread: ' It runs on one thread here, so its answers come slowly.',
  readyEdge: 'Ready. Every message goes to the server.',
  readyLocalOnly: (backend: string) =>
    `Ready. A small model on this device (${backend}) answers every message; nothing checks its answers first.`,
  notCheckedOwn: 'The on-device model has not been checked on its own answers, so every message goes to the server.',
  couldNotStart: 'The on-device model could not start here, so every message goes to the server.',
  notGoodEnough:
    'Ready. The small model on this device was not good enough on the examples it was checked on, so every message goes to the server.',
  readyRouted: (backend: string) =>
    `Ready. A small model on this device (${backend}) answers when it safely can; other messages go to the server.`,

  // The operating point
  howChosen: 'How answers are chosen',
  answerSettings: 'Answer settings',
  tradeoff: 'Cheaper',
  tradeoffBetter: 'Better',
  cheapest: 'cheapest',
  best: 'best answers',
  balanced: 'balanced',
  tradeoffHelp: 'Cheaper answers more on this device; better sends more to the larger model.',
  nothingCertified:
    "Every message goes to the larger model: this device's model was not good enough on the examples it was checked on to promise any of these.",
  uncertified:
    'At this setting every message goes to the larger model: there were too few good examples to promise it.',
  /** The risk control's words, from what the thresholds promise (core/decision/promise.ts holds them to the math). */
  promise: promiseWords,
  adjusted: 'Adjusted from feedback',
  reported: (n: number) => `${n} ${plural(n, 'answer', 'answers')} reported as not good enough`,
  shadowChecked: 'checks with the larger model',
  and: 'and',
  answersLess: 'this device now answers less often than at first',
  answersMore: 'this device now answers more often than at first',
  noChange: 'no change yet',
  drift: (checked: number, better: number, percent: number, target: number, over: boolean) =>
    `Checked ${checked} ${plural(checked, 'answer', 'answers')} with the larger model; it did better on ${better}. Estimated shortfall: about ${percent}% of messages (${over ? 'above' : 'within'} the ${target}% target${over ? '; this device now answers less often' : ''}).`,

  // The launcher
  chat: 'Chat',
  close: 'Close',
  closeChat: 'Close chat',
};

export type WidgetStrings = typeof en;
