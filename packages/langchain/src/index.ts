export {
  AgentOpsLangChainHandler,
  type AgentOpsLangChainHandlerOptions,
  type AgentOpsLangChainHandlerStats,
} from './agentops-langchain-handler.js';
export { isAgentOpsLangChainHandler, runInToolContext } from './tool-context.js';
